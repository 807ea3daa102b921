// PerseusIO — OGIP FITS files (RMF, ARF, PHA type I and II) and the HDF5 dataset store.
//
// See ../shared/DESIGN.md for where this module sits in the one-way data flow.
