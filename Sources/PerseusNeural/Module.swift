// PerseusNeural — Float32 tensors, reverse-mode automatic differentiation, layers and optimisers on OpenBLAS.
//
// See ../shared/DESIGN.md for where this module sits in the one-way data flow.
