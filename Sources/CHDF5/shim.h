#ifndef PERSEUS_CHDF5_SHIM_H
#define PERSEUS_CHDF5_SHIM_H
#include <hdf5.h>

/* HDF5's type and property-list identifiers are macros over global variables that Swift
   cannot import (or, in Swift 6 strict concurrency, cannot read). Each getter returns the
   value after the library is initialised. Add getters here as modules need them. */
static inline hid_t perseus_h5t_native_float(void)  { return H5T_NATIVE_FLOAT; }
static inline hid_t perseus_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t perseus_h5t_native_int8(void)   { return H5T_NATIVE_INT8; }
static inline hid_t perseus_h5t_native_uint8(void)  { return H5T_NATIVE_UINT8; }
static inline hid_t perseus_h5t_native_int32(void)  { return H5T_NATIVE_INT32; }
static inline hid_t perseus_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t perseus_h5t_native_int64(void)  { return H5T_NATIVE_INT64; }
static inline hid_t perseus_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t perseus_h5t_c_s1(void)          { return H5T_C_S1; }
static inline hid_t perseus_h5p_file_create(void)   { return H5P_FILE_CREATE; }
static inline hid_t perseus_h5p_file_access(void)   { return H5P_FILE_ACCESS; }
static inline hid_t perseus_h5p_dataset_create(void){ return H5P_DATASET_CREATE; }
static inline hid_t perseus_h5p_dataset_access(void){ return H5P_DATASET_ACCESS; }
static inline hid_t perseus_h5p_dataset_xfer(void)  { return H5P_DATASET_XFER; }
static inline hid_t perseus_h5p_link_create(void)   { return H5P_LINK_CREATE; }
static inline unsigned perseus_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned perseus_h5f_acc_rdwr(void)   { return H5F_ACC_RDWR; }
static inline unsigned perseus_h5f_acc_trunc(void)  { return H5F_ACC_TRUNC; }
static inline unsigned perseus_h5f_acc_excl(void)   { return H5F_ACC_EXCL; }
static inline hsize_t perseus_h5s_unlimited(void)   { return H5S_UNLIMITED; }
static inline hid_t perseus_h5s_all(void)           { return H5S_ALL; }
static inline hid_t perseus_h5p_default(void)       { return H5P_DEFAULT; }
static inline hid_t perseus_h5e_default(void)       { return H5E_DEFAULT; }
static inline hid_t perseus_h5t_native_int16(void)  { return H5T_NATIVE_INT16; }
static inline hid_t perseus_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline size_t perseus_h5t_variable(void)     { return H5T_VARIABLE; }

/* Type of the object at `name` relative to `loc` (an H5O_type_t value), or -1 on failure.
   H5Oget_info_by_name and its struct changed between 1.10 and 1.12; this hides the difference. */
static inline int perseus_h5o_type_by_name(hid_t loc, const char *name) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info_by_name3(loc, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
#else
    H5O_info_t info;
    if (H5Oget_info_by_name2(loc, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
#endif
    return (int)info.type;
}

/* Frees the memory HDF5 allocated while reading variable-length data (H5Treclaim from 1.12). */
static inline herr_t perseus_h5_reclaim(hid_t type, hid_t space, void *buffer) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(type, space, H5P_DEFAULT, buffer);
#else
    return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer);
#endif
}
/* Number of attributes attached to the object `obj`, or -1 on failure. */
static inline long long perseus_h5o_attribute_count(hid_t obj) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info3(obj, &info, H5O_INFO_NUM_ATTRS) < 0) return -1;
#else
    H5O_info_t info;
    if (H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) < 0) return -1;
#endif
    return (long long)info.num_attrs;
}
#endif
