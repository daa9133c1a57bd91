// Starts the pinned Prism CLI (node_modules/@stoplight/prism-cli) with this script's arguments,
// e.g. `node run-prism.js mock realtimekit-official-3.yaml --port 4010 --errors`, and exits as
// soon as its standard input closes. tests/conformance.rs keeps that pipe open while the mock
// server is needed, so Prism never outlives the test process, even one killed with SIGKILL.
'use strict';

const exit = () => process.exit(0);
process.stdin.on('end', exit);
process.stdin.on('close', exit);
process.stdin.on('error', exit);
process.stdin.resume();

require('@stoplight/prism-cli/dist/index.js');
