// Imported first by the kit's entry. In a one-file bundle every module's import.meta.url is the
// bundle's, so bench/run.ts's CLI guard (`import.meta.url === file://argv[1]`) would start that
// script's own bench inside the kit; marking argv[1] as the kit's keeps every bundled guard false.
process.argv[1] = `${process.argv[1]}#cpm-gpu-kit`;
