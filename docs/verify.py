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


def allocate(record, group, target, shares):
    """Largest remainder in integers, ties by ticket of "allocation/<group>";
    a unit whose share reaches its size takes everyone and the rest is
    divided again among the others."""
    quota, open_ = {}, sorted(s["stratum"] for s in shares)
    size = {s["stratum"]: s["n"] for s in shares}
    left = target
    while open_ and left > 0:
        total = sum(size[u] for u in open_)
        if total == 0:
            break
        if left >= total:
            quota.update({u: size[u] for u in open_})
            break
        q = {u: left * size[u] // total for u in open_}
        rem = sorted(open_, key=lambda u: (-(left * size[u] % total), ticket(record, "allocation/" + group, u)))
        for u in rem[: left - sum(q.values())]:
            q[u] += 1
        capped = [u for u in open_ if q[u] >= size[u]]
        for u in capped:
            quota[u] = size[u]
            left -= size[u]
        open_ = [u for u in open_ if u not in capped]
        if not capped:
            quota.update(q)
            break
    return {s["stratum"]: quota.get(s["stratum"], 0) for s in shares}


def verify(record, files):
    parties = record.get("commit_reveal") or []
    for p in parties:
        if hashlib.sha256(f"{p['share']}|{p['salt']}".encode("utf-8")).hexdigest() != p["commitment"]:
            return f"commit_reveal: {p['party']}'s share and salt do not match the commitment"
    if parties and hashlib.sha256("|".join(p["share"] for p in parties).encode("utf-8")).hexdigest() != record["seed"]:
        return "commit_reveal: the shares do not give the seed"
    quotas = {}
    for a in record.get("allocations") or []:
        got = allocate(record, a["group"], a["target"], a["shares"])
        for s in a["shares"]:
            if got[s["stratum"]] != s["quota"]:
                return f"{a['group']}: the allocation gives {s['stratum']} {got[s['stratum']]}, the record says {s['quota']}"
        quotas.update(got)
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
