/*
 * The sources of layer events (profiler/layers.h), in the order each probe event is offered
 * to them: the first that takes an event is the only one to see it. A new source (a
 * runtime's interpreter, say) is a file of its own and a line here.
 */
#include "profiler/layers.h"

const prof_source *const prof_sources[] = {&prof_source_core, &prof_source_tflm};
const unsigned prof_n_sources = sizeof prof_sources / sizeof prof_sources[0];
