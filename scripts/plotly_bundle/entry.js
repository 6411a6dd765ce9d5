'use strict';
// The trace types civmon's charts draw. `scatter` comes with the core (lines, and the tile maps' labels).
// A chart that needs another type adds it here, to TRACES in build.js, and runs `make plotly-bundle`.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
]);

module.exports = Plotly;
