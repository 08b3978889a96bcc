"""scikit-learn's side of bench/suites/label-audit.ts.

Reads the features (float32, rows x cols), labels and fold ids (int32) the suite wrote, runs
cross_val_predict(..., method='predict_proba') on the same folds (PredefinedSplit), writes the
out-of-sample probabilities (float64, rows x classes) and prints one JSON line with the time of the
cross-validation alone (not Python's start-up, imports or file reading), the iterations per fold and the
BLAS library threadpoolctl reports (its kernel: "architecture").

MODE says which estimator:
  defaults      LogisticRegression() as a user calls it: lbfgs, tol=1e-4, max_iter=100, raw features.
  recipe        scikit-learn's documented recipe for lbfgs: make_pipeline(StandardScaler(),
                LogisticRegression()), with its defaults.
  recipe-equal  the same pipeline at the playground's stopping rule: max |gradient| of the mean
                objective <= GTOL. scikit-learn 1.2's lbfgs minimises the SUM of the losses, and scipy's
                L-BFGS-B stops on max |projected gradient| <= tol, so tol = GTOL * training rows;
                max_iter = 10000 so that it does not bind. scipy also stops when the objective's relative
                decrease falls below ftol = 64 eps (the playground has no such rule).
  converged     the raw-feature objective solved to its optimum with newton-cg at tol=1e-10, for the
                probability check; the JSON line then also gives the largest final gradient over the folds.
  evaluation    no fit: times REPS evaluations of scikit-learn's own loss and gradient (LinearModelLoss.
                loss_gradient, what lbfgs calls once per iteration and per line-search step) on fold 0's
                training rows, standardised, at a fixed non-zero point; prints the median ms per evaluation.

Usage: /usr/bin/python3 bench/python/label_audit_cv.py DIR ROWS COLS MODE [GTOL] [REPS]
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
import threadpoolctl
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import PredefinedSplit, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def max_gradient(model, X, y):
    """max |gradient| of the mean objective sum(log-loss)/n + ||W||^2/(2Cn) (multinomial, 3+ classes)."""
    n = len(y)
    Y = (y[:, None] == model.classes_[None, :]).astype(float)
    R = model.predict_proba(X) - Y
    gW = R.T @ X / n + model.coef_ / (model.C * n)
    return float(max(np.abs(gW).max(), np.abs(R.sum(axis=0) / n).max()))


def blas_info():
    return [
        {k: info.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "threading_layer")}
        for info in threadpoolctl.threadpool_info()
    ]


def evaluation(X, y, folds, reps):
    from sklearn._loss.loss import HalfMultinomialLoss
    from sklearn.linear_model._linear_loss import LinearModelLoss

    train = folds != 0
    Xs = StandardScaler().fit_transform(X[train])
    yt = y[train].astype(np.float64)
    classes = int(y.max() + 1)
    loss = LinearModelLoss(base_loss=HalfMultinomialLoss(n_classes=classes), fit_intercept=True)
    rng = np.random.default_rng(0)
    coef = np.asfortranarray(rng.normal(scale=0.01, size=(classes, X.shape[1] + 1))).ravel(order="F")
    times = []
    for _ in range(reps + 2):
        start = time.perf_counter()
        loss.loss_gradient(coef, Xs, yt, None, 1.0, 1)
        times.append((time.perf_counter() - start) * 1000)
    return times[2:], int(train.sum())


def main() -> None:
    folder, rows, cols, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    gtol = float(sys.argv[5]) if len(sys.argv) > 5 else 1e-7
    reps = int(sys.argv[6]) if len(sys.argv) > 6 else 21
    X = np.fromfile(f"{folder}/features.f32", dtype=np.float32).reshape(rows, cols).astype(np.float64)
    y = np.fromfile(f"{folder}/labels.i32", dtype=np.int32)
    folds = np.fromfile(f"{folder}/folds.i32", dtype=np.int32)
    common = {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}
    common["blas"] = blas_info()
    if mode == "evaluation":
        times, train_rows = evaluation(X, y, folds, reps)
        print(json.dumps({**common, "mode": mode, "evaluationMs": times, "trainRows": train_rows}))
        return
    gradient = 0.0
    iterations = []
    train_rows = int((folds != 0).sum())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        cpu_start = time.process_time()
        if mode in ("defaults", "recipe", "recipe-equal"):
            if mode == "defaults":
                make = lambda: LogisticRegression(C=1.0, solver="lbfgs")
            elif mode == "recipe":
                make = lambda: make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="lbfgs"))
            else:
                tol = gtol * train_rows
                make = lambda: make_pipeline(
                    StandardScaler(), LogisticRegression(C=1.0, solver="lbfgs", tol=tol, max_iter=10000)
                )
            probs = np.zeros((len(y), int(y.max() + 1)))
            # cross_val_predict(make(), X, y, cv=PredefinedSplit(folds), method="predict_proba"), unrolled
            # only to read each fold's iteration count (same fits, same order).
            for train, test in PredefinedSplit(folds).split():
                model = make().fit(X[train], y[train])
                last = model[-1] if hasattr(model, "steps") else model
                iterations.append(int(np.max(last.n_iter_)))
                probs[np.ix_(test, last.classes_)] = model.predict_proba(X[test])
        elif mode == "converged":
            probs = np.zeros((len(y), int(y.max() + 1)))
            for f in np.unique(folds):
                train, test = folds != f, folds == f
                model = LogisticRegression(C=1.0, solver="newton-cg", max_iter=10000, tol=1e-10)
                model.fit(X[train], y[train])
                iterations.append(int(np.max(model.n_iter_)))
                gradient = max(gradient, max_gradient(model, X[train], y[train]))
                probs[np.ix_(test, model.classes_)] = model.predict_proba(X[test])
        else:
            raise SystemExit(f"unknown mode {mode}")
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
    probs.astype(np.float64).tofile(f"{folder}/sklearn-probs-{mode}.f64")
    print(json.dumps({
        **common,
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "mode": mode,
        "iterationsPerFold": iterations,
        "maxGradient": gradient,
        "convergenceWarnings": sum(1 for w in caught if issubclass(w.category, ConvergenceWarning)),
    }))


if __name__ == "__main__":
    main()
