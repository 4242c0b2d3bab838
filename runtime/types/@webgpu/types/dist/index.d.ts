// What an app's tsconfig puts first in "typeRoots" (["./node_modules/nnc-runtime/types",
// "./node_modules/@types"]) to type-check under TypeScript 7 with lib "dom" and skipLibCheck off.
//
// Why: tfjs-core 4.22's tensor.d.ts and types.d.ts say `/// <reference types="@webgpu/types/dist" />`
// and tfjs-core pins @webgpu/types 0.1.38, whose global GPU* declarations TypeScript 7's lib.dom
// now has too (about 180 "Duplicate identifier" errors). TypeScript resolves that reference in
// "typeRoots" first, so it finds this file instead of the package. tfjs-core's declarations name
// only these two WebGPU types: with TypeScript 7 and lib dom they merge with lib.dom's full ones;
// otherwise (TypeScript 5.9, or no lib dom) they stay empty, so an app that itself uses the
// WebGPU types of tfjs (`dataToGPU`) under 5.9 should use skipLibCheck instead of this folder.
//
// ../../package.json (`"typings": null`) keeps TypeScript 5.9 from taking the `@webgpu` folder
// for a type library of its own when a tsconfig lists no "types".
interface GPUBuffer {}
interface GPUDevice {}
