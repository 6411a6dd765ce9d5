"""civmon's Dash app (see dashboard.app)."""
