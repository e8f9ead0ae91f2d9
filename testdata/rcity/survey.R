# The R reference for SAMPLING.md S4 (v2): computes every figure of the
# test city (strata.csv, units.csv, questions.csv, answers.csv) with the
# survey package and writes golden.csv, which the Go test
# (internal/analysis) matches to 1e-9. Run from this folder:
#
#   Rscript survey.R            # writes golden.csv
#   Rscript survey.R --check    # exits 1 when golden.csv differs
#
# Domains: every drawn unit with answers as an object (its own roster is
# the population: one stage, ids = ~respondent, fpc = ~N_i); counties A and
# B and the city over the two-stage design
#   svydesign(ids = ~unit + respondent, strata = ~h, fpc = ~M_h + N_i)
# with survey.lonely.psu = "adjust". Questions: each item, each dimension
# (the long table of its answer rows), the overall rating. 不了解 (level -1)
# rows are dropped first, so n_i, m_h and the weights come from those who
# answered. A certainty stratum's M_h is its answering units. The mean and
# its standard error are R's; df, n_eff and the Wilson interval with
# qt(0.975, df) follow S4's text.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")

args <- commandArgs(trailingOnly = TRUE)
strata <- read.csv("strata.csv", stringsAsFactors = FALSE)
units <- read.csv("units.csv", stringsAsFactors = FALSE)
questions <- read.csv("questions.csv", stringsAsFactors = FALSE)
answers <- read.csv("answers.csv", stringsAsFactors = FALSE)
scores <- c(100, 80, 60, 40)

d <- merge(merge(answers, units, by = "unit"), strata, by = "stratum")
d <- d[d$level >= 0, ]
d$fav <- as.numeric(d$level <= 1)
d$score <- scores[d$level + 1]
d$dimension <- questions$dimension[match(d$question, questions$question)]

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

estimate <- function(rows, single) {
  n_resp <- length(unique(rows$respondent))
  if (single) {
    des <- svydesign(ids = ~respondent, fpc = ~N, data = rows)
  } else {
    # A certainty stratum takes its answering units as its population.
    m <- tapply(rows$unit, rows$stratum, function(u) length(unique(u)))
    rows$M1 <- ifelse(rows$certainty == 1, m[rows$stratum], rows$M)
    des <- svydesign(ids = ~unit + respondent, strata = ~stratum, fpc = ~M1 + N, data = rows)
  }
  p <- svymean(~fav, des)
  s <- svymean(~score, des)
  v <- as.numeric(SE(p))^2
  # Degrees of freedom (S4): Σ (m_h − 1) over the sampled strata plus
  # Σ (n_i − 1) over the certainty units; one object alone: n − 1.
  if (single) {
    df <- n_resp - 1
  } else {
    df <- 0
    for (h in unique(rows$stratum)) {
      r <- rows[rows$stratum == h, ]
      if (r$certainty[1] == 1) {
        for (u in unique(r$unit)) df <- df + length(unique(r$respondent[r$unit == u])) - 1
      } else {
        df <- df + length(unique(r$unit)) - 1
      }
    }
  }
  # Census: every stratum fully drawn and every roster fully answered.
  nu <- tapply(rows$respondent, rows$unit, function(x) length(unique(x)))
  Nu <- tapply(rows$N, rows$unit, function(x) x[1])
  census <- all(nu >= Nu[names(nu)])
  if (!single) {
    mh <- tapply(rows$unit, rows$stratum, function(u) length(unique(u)))
    Mh <- tapply(rows$M1, rows$stratum, function(x) x[1])
    census <- census && all(mh >= Mh[names(mh)])
  }
  pv <- as.numeric(coef(p))
  lo <- NA; hi <- NA; neff <- NA
  if (census) {
    v <- 0
  } else {
    if (v > 0) {
      neff <- pv * (1 - pv) / v
    } else if (single && rows$N[1] > n_resp) {
      neff <- n_resp * (rows$N[1] - 1) / (rows$N[1] - n_resp)
    } else {
      neff <- n_resp
    }
    if (df >= 1) {
      t <- qt(0.975, df)
      centre <- pv + t^2 / (2 * neff)
      half <- t * sqrt(pv * (1 - pv) / neff + t^2 / (4 * neff^2))
      lo <- max(0, (centre - half) / (1 + t^2 / neff))
      hi <- min(1, (centre + half) / (1 + t^2 / neff))
    }
  }
  data.frame(respondents = n_resp, answers = nrow(rows), p = fmt(pv), var = fmt(v),
             mean = fmt(as.numeric(coef(s))), var_mean = fmt(if (census) 0 else as.numeric(SE(s))^2),
             df = df, census = as.integer(census), neff = fmt(neff), lo = fmt(lo), hi = fmt(hi))
}

domains <- list()
for (u in sort(unique(d$unit))) domains[[length(domains) + 1]] <- list(name = u, rows = d$unit == u, single = TRUE)
for (cty in c("A", "B")) domains[[length(domains) + 1]] <- list(name = cty, rows = d$county == cty, single = FALSE)
domains[[length(domains) + 1]] <- list(name = "city", rows = rep(TRUE, nrow(d)), single = FALSE)

qsets <- list()
for (q in questions$question) qsets[[q]] <- d$question == q
for (dim in setdiff(unique(questions$dimension), "")) qsets[[dim]] <- d$dimension == dim

out <- NULL
for (dm in domains) {
  for (q in names(qsets)) {
    rows <- d[dm$rows & qsets[[q]], ]
    # R refuses a one-respondent design; such an object is never shown (S5).
    if (nrow(rows) == 0 || (dm$single && length(unique(rows$respondent)) < 2)) next
    out <- rbind(out, cbind(data.frame(domain = dm$name, question = q), estimate(rows, dm$single)))
  }
}
out <- out[order(out$domain, out$question), ]

if (length(args) > 0 && args[1] == "--check") {
  old <- read.csv("golden.csv", stringsAsFactors = FALSE, colClasses = "character")
  new <- as.data.frame(lapply(out, as.character), stringsAsFactors = FALSE)
  rownames(old) <- NULL; rownames(new) <- NULL
  if (!identical(dim(old), dim(new))) { cat("golden.csv: shape differs from R's\n"); quit(status = 1) }
  bad <- 0
  for (col in names(new)) {
    a <- suppressWarnings(as.numeric(old[[col]])); b <- suppressWarnings(as.numeric(new[[col]]))
    num <- !is.na(a) & !is.na(b)
    if (any(is.na(a) != is.na(b)) || any(abs(a[num] - b[num]) > 1e-12 * pmax(1, abs(b[num]))) ||
        (all(is.na(b)) && !identical(old[[col]], new[[col]]))) {
      cat("golden.csv: column", col, "differs from R\n"); bad <- bad + 1
    }
  }
  if (bad > 0) quit(status = 1)
  cat("golden.csv agrees with R:", nrow(new), "figures\n")
} else {
  write.csv(out, "golden.csv", row.names = FALSE, quote = FALSE)
  cat("wrote golden.csv:", nrow(out), "figures\n")
}
