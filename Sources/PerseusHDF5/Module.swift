// PerseusHDF5 — Thin, safe Swift layer over the HDF5 C library: files, groups, datasets, attributes.
//
// See ../shared/DESIGN.md for where this module sits in the one-way data flow.
