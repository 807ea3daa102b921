#include "PerseusScenarioData.h"

extern const unsigned char perseus_scenario_ichinohe2019_start[], perseus_scenario_ichinohe2019_end[];
extern const unsigned char perseus_scenario_lin2024_start[], perseus_scenario_lin2024_end[];

static const char *const names[] = { "ichinohe2019", "lin2024" };

size_t perseus_builtin_scenario_count(void) { return sizeof names / sizeof names[0]; }

const char *perseus_builtin_scenario_name(size_t index) {
    return index < perseus_builtin_scenario_count() ? names[index] : 0;
}

perseus_blob perseus_builtin_scenario(size_t index) {
    perseus_blob blob = { 0, 0 };
    switch (index) {
    case 0:
        blob.bytes = perseus_scenario_ichinohe2019_start;
        blob.size = (size_t)(perseus_scenario_ichinohe2019_end - perseus_scenario_ichinohe2019_start);
        break;
    case 1:
        blob.bytes = perseus_scenario_lin2024_start;
        blob.size = (size_t)(perseus_scenario_lin2024_end - perseus_scenario_lin2024_start);
        break;
    }
    return blob;
}
