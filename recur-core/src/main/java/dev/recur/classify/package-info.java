/**
 * Sequence classification of a user's texts or numeric sequences:
 * {@link dev.recur.classify.Classification} trains a recurrent network with early stopping and
 * reports it beside the majority class and a linear model on n-gram counts or summary features;
 * {@link dev.recur.classify.Classifier} is the trained classifier as its run folder holds it.
 */
package dev.recur.classify;
