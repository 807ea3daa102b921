// PerseusInstruments — instrument definitions and registry, response folding, backgrounds, fakeit.
//
// See ../shared/DESIGN.md for where this module sits in the one-way data flow.
