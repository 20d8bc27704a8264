/*
 * The grammar of one rendered map line, written for the tests
 * independently of model/validate.c (a second opinion on the renderer):
 * "key value" (nginx: "key value;"), one blank between them, no blank
 * in the key, no leading '#', valid UTF-8 without control characters,
 * bounded lengths. Shared by tests/unit/test_render.c and
 * tests/fuzz/fuzz_render.c.
 */
#ifndef PP_TESTS_MAP_GRAMMAR_H
#define PP_TESTS_MAP_GRAMMAR_H

#include <stddef.h>

#include "maps/render.h"

/* NULL when line[0..len) (without its '\n') is a well-formed line of map id, else why not. */
const char *map_grammar_problem(enum map_id id, const char *line, size_t len);

#endif
