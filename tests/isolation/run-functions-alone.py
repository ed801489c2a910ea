#!/usr/bin/env python3
"""Runs every Qt Test function of the suite alone: one process per function, with the
environment, working directory and timeout ctest gives its executable. A function that passes
only after others prepared the cluster for it fails here.

usage: run-functions-alone.py BUILD_DIR [NAME_REGEX]
Prints one line per function and a summary; exits 1 when any function failed.
"""
import json
import os
import re
import subprocess
import sys
import time


def qt_tests(build_dir, pattern):
    shown = subprocess.run(["ctest", "--show-only=json-v1"], cwd=build_dir, check=True,
                           capture_output=True, text=True).stdout
    for test in json.loads(shown)["tests"]:
        if pattern and not re.search(pattern, test["name"]):
            continue
        properties = {p["name"]: p["value"] for p in test.get("properties", [])}
        labels = properties.get("LABELS", [])
        if "benchmark" in labels or "packaging" in labels:
            continue
        command = test.get("command") or []
        if len(command) != 1 or not os.path.basename(command[0]).startswith("tst_"):
            continue  # scripts, fuzz smoke runs: no Qt Test functions to pick
        env = dict(os.environ)
        for pair in properties.get("ENVIRONMENT", []):
            key, _, value = pair.partition("=")
            env[key] = value
        yield test["name"], command[0], env, properties.get("WORKING_DIRECTORY", build_dir), \
            float(properties.get("TIMEOUT", 600))


def functions(binary, env, cwd):
    listed = subprocess.run([binary, "-functions"], env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=120)
    if listed.returncode != 0:
        raise RuntimeError(f"{binary} -functions failed: {listed.stderr.strip()}")
    names = [line.strip().removesuffix("()") for line in listed.stdout.splitlines() if line.strip()]
    return [n for n in names if n not in ("initTestCase", "cleanupTestCase", "init", "cleanup")]


def main():
    build_dir = os.path.abspath(sys.argv[1])
    pattern = sys.argv[2] if len(sys.argv) > 2 else ""
    failed, passed, started = [], 0, time.monotonic()
    for name, binary, env, cwd, timeout in qt_tests(build_dir, pattern):
        for function in functions(binary, env, cwd):
            begun = time.monotonic()
            try:
                run = subprocess.run([binary, function], env=env, cwd=cwd, capture_output=True, text=True,
                                     timeout=timeout)
                ok, output = run.returncode == 0, run.stdout + run.stderr
            except subprocess.TimeoutExpired as expired:
                ok, output = False, f"timed out after {timeout:.0f} s\n{expired.stdout or ''}"
            seconds = time.monotonic() - begun
            print(f"{'PASS' if ok else 'FAIL'} {name}::{function} {seconds:.1f} s", flush=True)
            if ok:
                passed += 1
            else:
                failed.append(f"{name}::{function}")
                print("\n".join(l for l in output.splitlines() if l.startswith(("FAIL", "   ", "QFATAL")))[:4000])
    total = time.monotonic() - started
    print(f"functions run alone: {passed} passed, {len(failed)} failed, {total:.0f} s")
    for f in failed:
        print(f"failed alone: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
