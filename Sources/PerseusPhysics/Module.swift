// PerseusPhysics — Spectral components, the XSPEC expression language, AtomDB apec, NEI and absorption.
//
// See ../shared/DESIGN.md for where this module sits in the one-way data flow.
