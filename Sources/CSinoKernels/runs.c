#include "sino_kernels.h"

// The run-length counting of SinoRadiomics' GLRLMEngine.build for one angle, without branches
// on the levels (they are as good as random in a textured ROI and cost a misprediction each):
// every voxel adds 0 or 1 to the cell of its run so far, 1 where the run ends.
double sino_glrlm_runs(const int32_t *grid, int32_t *run, const long *cells, long count, long step, double *counts, long nr,
                       bool *multi_element) {
    static const double increment[2] = {0, 1};
    bool multi = false;
    double runs = 0;
    bool forward = step > 0;
    for (long t = 0; t < count; t++) {
        long c = cells[forward ? t : count - 1 - t];
        int32_t level = grid[c];
        if (!multi) {
            for (long j = c + step; grid[j] >= -1; j += step) {
                if (grid[j] >= 0) {
                    multi = true;
                    break;
                }
            }
        }
        long back = c - step;
        int32_t same = grid[back] == level;
        int32_t length = same * run[back] + 1;
        run[c] = length;
        int32_t ends = grid[c + step] != level;
        double add = increment[ends];
        counts[(long)level * nr + length - 1] += add;
        runs += add;
    }
    *multi_element = multi;
    return runs;
}

// The zone search of SinoRadiomics' GLSZMEngine.segmentFeatures, without branches on the
// neighbours' levels: each neighbour is written to the stack top and kept (and its level
// cleared) only where it has the zone's level.
long sino_glszm_zones(int32_t *levels, const long *roi, long roi_count, const long *steps, long na, const int32_t *slot, long *stack,
                      long *zones, long *max_size) {
    long zone_count = 0, largest = 0;
    for (long r = 0; r < roi_count; r++) {
        long i = roi[r];
        int32_t gl = levels[i];
        if (gl == 0) continue;
        levels[i] = 0;
        stack[0] = i;
        long top = 1, size = 0;
        while (top > 0) {
            long k = stack[--top];
            size++;
            for (long a = 0; a < na; a++) {
                long j = k + steps[a];
                int32_t v = levels[j];
                int32_t hit = v == gl;
                stack[top] = j;
                top += hit;
                levels[j] = v & (hit - 1);
            }
        }
        zones[zone_count++] = ((long)slot[gl] << 32) | size;
        if (size > largest) largest = size;
    }
    *max_size = largest;
    return zone_count;
}
