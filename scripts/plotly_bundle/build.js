// Builds ../../assets/vendor/plotly-civmon.min.js with the same esbuild settings as plotly.js's own
// dist bundles (plotly.js/esbuild-config.js), less the WebGL shader plugin no chosen trace needs.
const path = require('path');
const esbuild = require('esbuild');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { environmentPlugin } = require('esbuild-plugin-environment');
const version = require('plotly.js/package.json').version;

const TRACES = ['scatter', 'bar', 'heatmap', 'choropleth'];  // read by tests/test_plotly_bundle.py
const banner = `/**
* plotly.js (civmon partial bundle: ${TRACES.join(', ')}) v${version}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
*/`;

esbuild.build({
    entryPoints: [path.join(__dirname, 'entry.js')],
    outfile: path.join(__dirname, '..', '..', 'assets', 'vendor', 'plotly-civmon.min.js'),
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    banner: { js: banner },
    plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
    alias: { stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'info'
}).catch(() => process.exit(1));
