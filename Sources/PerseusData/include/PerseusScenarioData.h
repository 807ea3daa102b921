#ifndef PERSEUS_SCENARIO_DATA_H
#define PERSEUS_SCENARIO_DATA_H
#include "PerseusData.h"

/* Built-in scenario files (the YAML files of Scenarios/), by index 0..count-1. */
size_t perseus_builtin_scenario_count(void);
const char *perseus_builtin_scenario_name(size_t index);
perseus_blob perseus_builtin_scenario(size_t index);

#endif
