"""The cue-word columns of the classifier's feature union, as a scikit-learn transformer.

A module of its own so that only fitting (and unpickling the full pipeline) imports scikit-learn;
classifying goes through classify.scorer, which reads the same cue scores without it.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from xuncha.classify.features import category_cues, cue_scores


class CueFeatures(BaseEstimator, TransformerMixin):
    """One column per category: how strongly the text names that category's cue words."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        rows = np.vstack([cue_scores(t) for t in X]) if len(X) else np.zeros((0, len(category_cues())))
        return sparse.csr_matrix(np.log1p(rows))
