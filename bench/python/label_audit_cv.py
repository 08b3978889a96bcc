"""scikit-learn's side of bench/suites/label-audit.ts.

Reads the features (float32, rows x cols), labels and fold ids (int32) the suite wrote, runs
cross_val_predict(LogisticRegression(C=1.0, solver='lbfgs'), method='predict_proba') on the same folds
(PredefinedSplit), writes the out-of-sample probabilities (float64, rows x classes) and prints one JSON
line with the time of the cross-validation alone (not Python's start-up, imports or file reading).

With MODE "converged" it solves the same objective to its optimum instead, with scikit-learn's
newton-cg solver at tol=1e-10: scipy's L-BFGS-B, as scikit-learn calls it, also stops when the
objective's relative decrease falls below ftol = 64*eps, which here leaves max |gradient| of the mean
objective near 1e-5 and probabilities ~2e-3 from the optimum (resuming it with warm_start barely moves
it). The JSON line then also gives the largest final gradient over the folds.

Usage: /usr/bin/python3 bench/python/label_audit_cv.py DIR ROWS COLS MAX_ITER [plain|converged]
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import PredefinedSplit, cross_val_predict


def max_gradient(model, X, y):
    """max |gradient| of the mean objective sum(log-loss)/n + ||W||^2/(2Cn) (multinomial, 3+ classes)."""
    n = len(y)
    Y = (y[:, None] == model.classes_[None, :]).astype(float)
    R = model.predict_proba(X) - Y
    gW = R.T @ X / n + model.coef_ / (model.C * n)
    return float(max(np.abs(gW).max(), np.abs(R.sum(axis=0) / n).max()))


def main() -> None:
    folder, rows, cols, max_iter = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    mode = sys.argv[5] if len(sys.argv) > 5 else "plain"
    X = np.fromfile(f"{folder}/features.f32", dtype=np.float32).reshape(rows, cols).astype(np.float64)
    y = np.fromfile(f"{folder}/labels.i32", dtype=np.int32)
    folds = np.fromfile(f"{folder}/folds.i32", dtype=np.int32)
    gradient = 0.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        if mode == "plain":
            model = LogisticRegression(C=1.0, solver="lbfgs", max_iter=max_iter)
            probs = cross_val_predict(model, X, y, cv=PredefinedSplit(folds), method="predict_proba")
        else:
            probs = np.zeros((len(y), int(y.max() + 1)))
            for f in np.unique(folds):
                train, test = folds != f, folds == f
                model = LogisticRegression(C=1.0, solver="newton-cg", max_iter=10000, tol=1e-10)
                model.fit(X[train], y[train])
                gradient = max(gradient, max_gradient(model, X[train], y[train]))
                probs[np.ix_(test, model.classes_)] = model.predict_proba(X[test])
        seconds = time.perf_counter() - start
    probs.astype(np.float64).tofile(f"{folder}/sklearn-probs.f64")
    print(json.dumps({
        "seconds": seconds,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "mode": mode,
        "maxGradient": gradient,
        "convergenceWarnings": sum(1 for w in caught if issubclass(w.category, ConvergenceWarning)),
    }))


if __name__ == "__main__":
    main()
