package dev.recur.nn.recurrent;

import dev.recur.nn.Parameter;

/**
 * The parameters of one layer and direction, laid out as PyTorch's.
 *
 * <p>The record is immutable; the parameters it holds are not thread-safe (see {@link Parameter}).
 *
 * @param weightIh {@code weight_ih}: {@code [G*H, In]}
 * @param weightHh {@code weight_hh}: {@code [G*H, Hout]}
 * @param biasIh   {@code bias_ih}: {@code [G*H]}, or null without biases
 * @param biasHh   {@code bias_hh}: {@code [G*H]}, or null without biases
 * @param weightHr {@code weight_hr}: {@code [P, H]} (LSTM projection), or null without projection
 * @param <A> the array type
 */
public record CellParams<A>(Parameter<A> weightIh, Parameter<A> weightHh,
                            Parameter<A> biasIh, Parameter<A> biasHh, Parameter<A> weightHr) {
}
