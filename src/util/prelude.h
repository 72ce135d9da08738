/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Force-included before every selkie source file (meson's -include): pulls in the libc
 * headers that declare the banned functions, then makes those functions compile errors.
 */
#pragma once

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"
