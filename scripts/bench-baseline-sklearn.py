# Reference for the classic baseline: scikit-learn's TfidfVectorizer (word 1-2 grams + char_wb
# 2-4 grams, min_df=2, sublinear tf, at most 50,000 features per block, first 4,000 characters)
# and LogisticRegression (lbfgs, multinomial), C chosen on validation macro-F1 from 1, 10, 100.
# Reads a JSON job file (labels, train, validation, test) and prints one JSON line of scores.
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

data = json.load(open(sys.argv[1], encoding="utf-8"))
cut = lambda texts: [t[:4000] for t in texts]
train, val, test = (cut(data[s]["texts"]) for s in ("train", "validation", "test"))
ytr, yva, yte = (np.array(data[s]["labels"]) for s in ("train", "validation", "test"))
K = len(data["labels"])
start = time.time()
vecs = [
    TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, max_features=50000, sublinear_tf=True),
    TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, max_features=50000, sublinear_tf=True),
]
Xtr = sp.hstack([v.fit_transform(train) for v in vecs]).tocsr()
Xva = sp.hstack([v.transform(val) for v in vecs]).tocsr()
Xte = sp.hstack([v.transform(test) for v in vecs]).tocsr()
best = None
for C in (1, 10, 100):
    clf = LogisticRegression(C=C, max_iter=1000, tol=1e-6).fit(Xtr, ytr)
    f1 = f1_score(yva, clf.predict(Xva), average="macro", labels=list(range(K)), zero_division=0)
    if best is None or f1 > best[0] + 1e-12:
        best = (f1, C, clf)
pred = best[2].predict(Xte)
print(json.dumps({
    "accuracy": accuracy_score(yte, pred),
    "macroF1": f1_score(yte, pred, average="macro", labels=list(range(K)), zero_division=0),
    "C": best[1],
    "features": Xtr.shape[1],
    "seconds": time.time() - start,
}))
