/**
 * A neuron's synaptic arithmetic over its own arrays: the weighted sum of its inputs, that sum
 * taken right after writing a pending weight change (one pass over the weights for both), and
 * the folding of one pattern's eligibility into the running sum.
 *   z = b + Σ_i w_i x_i                        added in increasing i, one term at a time
 *   w_i ← w_i − s·(d_i Δz)  or  w_i ← w_i − s·g_i (then g_i ← 0), and z with the new w_i
 *   g_i ← g_i + d_i Δz
 * These are the row kernels of nn/kernels.ts, which the matrix engine's layers share: the same
 * sums in the same order as the matrix engine, so the two engines agree number for number.
 */
export { addScaled, potential, potentialAfterRankOne, potentialAfterSum, sparsePotential } from '../nn/kernels.ts';
