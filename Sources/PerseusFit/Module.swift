// PerseusFit — fit statistics (cstat, W-stat, Cash, chi-squared), optimisers, fit results and errors.
//
// See ../shared/DESIGN.md for where this module sits in the one-way data flow.
