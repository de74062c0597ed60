// End-to-end tests stream real bodies through real servers on a 2-core machine; Jest's 5 s
// default is too tight under CI load. Speed is never asserted this way (benchmarks measure it).
jest.setTimeout(30_000);
