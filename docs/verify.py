#!/usr/bin/env python3
"""Recompute a pinggu draw from its record and frame files.

Usage: python3 verify.py RECORD.json FRAMES_DIR_OR_ZIP

Needs only the Python standard library. Prints "match" or the first
mismatch (and exits with status 1). Algorithm pinggu-v1, SAMPLING.md S2:
ticket = sha256("pinggu-v1|seed|draw|stratum|id") in lowercase hex; order
by ticket, ties by id bytes; the first k are drawn.
"""
import csv, hashlib, io, json, os, sys, zipfile


def ticket(record, stratum, i):
    msg = f"pinggu-v1|{record['seed']}|{record['draw']}|{stratum}|{i}"
    return hashlib.sha256(msg.encode("utf-8")).hexdigest()


def sample_size(rule, pct, n, kmin):
    if rule == "all":
        return n
    if rule == "quota":  # set by an allocation; pct holds the quota
        return min(pct, n)
    k = (pct * n + 99) // 100 if rule == "at_least" else (pct * n + 50) // 100
    return min(n, max(kmin, k))


def frames(path):
    out = {}
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith(".csv"):
                    out[name[:-4]] = z.read(name)
    else:
        for root, _, files in os.walk(path):
            for f in files:
                if f.endswith(".csv"):
                    rel = os.path.relpath(os.path.join(root, f), path).replace(os.sep, "/")
                    out[rel[:-4]] = open(os.path.join(root, f), "rb").read()
    return out


def divide(record, group, names, left, weight, capacity):
    """Largest remainder in integers, ties by ticket of "allocation/<group>";
    a part that reaches its capacity takes it and the rest is divided again
    among the others."""
    out = {u: 0 for u in names}
    open_ = [u for u in names if capacity[u] > 0]
    while open_ and left > 0:
        total = sum(weight[u] for u in open_)
        if total == 0:
            break
        if left >= sum(capacity[u] for u in open_):
            out.update({u: capacity[u] for u in open_})
            break
        q = {u: left * weight[u] // total for u in open_}
        rem = sorted(open_, key=lambda u: (-(left * weight[u] % total), ticket(record, "allocation/" + group, u)))
        for u in rem[: left - sum(q.values())]:
            q[u] += 1
        capped = [u for u in open_ if q[u] >= capacity[u]]
        for u in capped:
            out[u] = capacity[u]
            left -= capacity[u]
        open_ = [u for u in open_ if u not in capped]
        if not capped:
            out.update(q)
            break
    return out


def allocate(record, a):
    """Returns {stratum: (target, quota)}. alloc-v2 (SAMPLING.md S3): min(2, N)
    to every unit first, the rest in proportion to roster size, then each unit
    draws ceil(target * 100 / rate), at most N. Records made before alloc-v2
    name no rule: the target is divided in proportion, with no base and no
    inflation, and the target is the quota."""
    names = sorted(s["stratum"] for s in a["shares"])
    size = {s["stratum"]: s["n"] for s in a["shares"]}
    if a.get("rule") == "alloc-v2":
        base = {u: min(2, size[u]) for u in names}
        extra = divide(record, a["group"], names, max(0, a["target"] - sum(base.values())), size,
                       {u: size[u] - base[u] for u in names})
        rate = a["response_rate"]
        out = {}
        for u in names:
            t = base[u] + extra[u]
            out[u] = (t, min(size[u], (t * 100 + rate - 1) // rate))
        return out
    q = divide(record, a["group"], names, a["target"], size, size)
    return {u: (0, q[u]) for u in names}


def verify(record, files):
    parties = record.get("commit_reveal") or []
    for p in parties:
        if hashlib.sha256(f"{p['share']}|{p['salt']}".encode("utf-8")).hexdigest() != p["commitment"]:
            return f"commit_reveal: {p['party']}'s share and salt do not match the commitment"
    if parties and hashlib.sha256("|".join(p["share"] for p in parties).encode("utf-8")).hexdigest() != record["seed"]:
        return "commit_reveal: the shares do not give the seed"
    quotas = {}
    for a in record.get("allocations") or []:
        got = allocate(record, a)
        for s in a["shares"]:
            if got[s["stratum"]] != (s.get("target", 0), s["quota"]):
                t, q = got[s["stratum"]]
                return f"{a['group']}: the allocation gives {s['stratum']} {t} completes and {q} to draw, the record says {s.get('target', 0)} and {s['quota']}"
        quotas.update({u: q for u, (_, q) in got.items()})
    for s in record["strata"]:
        name = s["stratum"]
        data = files.get(name)
        if data is None:
            return f"{name}: no frame file"
        if hashlib.sha256(data).hexdigest() != s["frame_sha256"]:
            return f"{name}: the frame's SHA-256 differs from the record"
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        ids = [r[0] for r in rows[1:]]
        prefix = f"pinggu-v1|{record['seed']}|{record['draw']}|{name}|"
        tickets = sorted((hashlib.sha256((prefix + i).encode("utf-8")).hexdigest(), i.encode("utf-8"), i) for i in ids)
        if len(tickets) != s["n"] or len(s["order"]) != s["n"]:
            return f"{name}: n differs"
        if name in quotas and (s["rule"] != "quota" or quotas[name] != s["pct"]):
            return f"{name}: the allocation gives {quotas[name]}, the record says {s['pct']}"
        k = sample_size(s["rule"], s["pct"], s["n"], record["kmin"])
        if k != s["k"]:
            return f"{name}: k is {k} by the rule, {s['k']} in the record"
        released = k
        for rank, ((ticket, _, i), e) in enumerate(zip(tickets, s["order"]), start=1):
            if (e["id"], e["ticket"], e["rank"]) != (i, ticket, rank):
                return f"{name}: rank {rank} is {i}, the record says {e['id']}"
            drawn = e["status"] != "queued"
            if rank <= k and not drawn:
                return f"{name}: {i} (rank {rank}) is within the first k but not drawn"
            if rank > k and drawn:
                if rank != released + 1:
                    return f"{name}: {i} (rank {rank}) was released out of order"
                released += 1
    return None


if __name__ == "__main__":
    record = json.load(open(sys.argv[1], encoding="utf-8"))
    problem = verify(record, frames(sys.argv[2]))
    print("match" if problem is None else "MISMATCH: " + problem)
    sys.exit(0 if problem is None else 1)
