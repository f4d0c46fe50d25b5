// The text baseline's name in metrics and exports (its own module: main reads it without the fitting code).

/** Name of the TF-IDF + logistic-regression baseline in metrics and exports. */
export const baselineKind = 'tfidf-logreg'
