#!/usr/bin/env bash
# Renders the README's screenshots (docs/dashboard.png, alerts.png, metrics.png, logs.png,
# service-pods-usage.png, and docs/promotion/: the promotion wizard):
# the console at 1280x800 on a settled sandbox with its Prometheus, while one rollout is in
# progress, one crashes, one answers with errors and frontend has been switched blue to green
# with kubectl, so that states, versions and alerts can be told apart. docs/review/ holds the
# rollouts and metrics views in light and dark themes at 1280x800 and 1024x700, to look at
# before a view is called done. Run after scripts/dev.sh has built; needs Debian's prometheus.
# usage: scripts/docs-screenshot.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/dev}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$build/sandbox/lucent-sandbox" --port 0 --speed 10 --seed 4 --prometheus --kubeconfig-out "$work/kubeconfig" \
    --project-out "$work/lucent.yaml" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "lucent-sandbox listening" "$work/out" && break; sleep 0.1; done
export KUBECONFIG="$work/kubeconfig" HOME="$work"
kubectl rollout status deploy/wallet-service -n lucent-staging --timeout=60s >/dev/null
# A blue-green switch made by hand: frontend-green from frontend's spec, then the selector.
kubectl -n lucent-staging get deploy frontend -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = d["metadata"]
for k in ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "annotations"]:
    m.pop(k, None)
m["name"] = "frontend-green"
m.setdefault("labels", {})["color"] = "green"
d["spec"]["selector"]["matchLabels"]["color"] = "green"
d["spec"]["template"]["metadata"]["labels"]["color"] = "green"
c = d["spec"]["template"]["spec"]["containers"][0]
c["image"] = c["image"].rsplit(":", 1)[0] + ":3.3.0"
d.pop("status", None)
print(json.dumps(d))' | kubectl create -f - >/dev/null
kubectl rollout status deploy/frontend-green -n lucent-staging --timeout=60s >/dev/null
kubectl -n lucent-staging patch service frontend -p '{"spec":{"selector":{"color":"green"}}}' >/dev/null
kubectl -n lucent-staging set image deploy/wallet-service wallet-service=lucent/wallet-service:2.1.1-errors >/dev/null
sleep 45 # the error-rate window and the rule's delay, at --speed 10
kubectl -n lucent-staging set image deploy/user-service user-service=lucent/user-service:1.5.0 >/dev/null
kubectl -n lucent-staging set image deploy/task-service task-service=lucent/task-service:1.0.8-crash >/dev/null
# A silence, as an engineer would set one for a known crash loop, so that the alerts view shows one.
alertmanager=$(sed -n 's/^alertmanager listening on //p' "$work/out")
if [ -n "$alertmanager" ]; then
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    ends=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
    curl -fsS -X POST -H 'Content-Type: application/json' "$alertmanager/api/v2/silences" -d '{"matchers":[
        {"name":"namespace","value":"lucent-staging","isRegex":false,"isEqual":true},
        {"name":"app","value":"task-service","isRegex":false,"isEqual":true}],
        "startsAt":"'"$now"'","endsAt":"'"$ends"'","createdBy":"release-bot",
        "comment":"task-service 1.0.8 crash loop is known; rollback scheduled"}' >/dev/null
fi
sleep 2
for view in rollouts alerts metrics; do
    name=$view
    [ "$view" = rollouts ] && name=dashboard
    QT_QPA_PLATFORM=offscreen "$build/app/lucent-console" --kubeconfig "$work/kubeconfig" --config "$work/lucent.yaml" \
        --view "$view" --screenshot "$here/docs/$name.png"
    echo "wrote $here/docs/$name.png"
done
mkdir -p "$here/docs/review"
for theme in light dark; do
    for size in 1280x800 1024x700; do
        for view in rollouts metrics; do
            QT_QPA_PLATFORM=offscreen "$build/app/lucent-console" --kubeconfig "$work/kubeconfig" \
                --config "$work/lucent.yaml" --view "$view" --theme "$theme" --size "$size" \
                --screenshot "$here/docs/review/$view-$theme-$size.png"
        done
    done
done
echo "wrote $here/docs/review/"
# The logs of the Deployment whose -errors rollout is live: its error lines stand out in red.
QT_QPA_PLATFORM=offscreen "$build/app/lucent-console" --kubeconfig "$work/kubeconfig" --config "$work/lucent.yaml" \
    --logs deployment/wallet-service --screenshot "$here/docs/logs.png"
echo "wrote $here/docs/logs.png"
# The manifest editor on a copy of the workspace with three mistakes typed into wallet-service:
# a :latest image, a misspelt enum value and a port number where a string belongs.
ws="$work/workspace"
cp -r "$here/manifests" "$ws"
sed -i -e 's|image: lucent/wallet-service:2.1.0|image: lucent/wallet-service:latest\n        imagePullPolicy: Allways|' \
    -e '0,/value: "3002"/s//value: 3002/' "$ws/base/wallet-service.yaml"
QT_QPA_PLATFORM=offscreen "$build/app/lucent-console" --kubeconfig "$work/kubeconfig" --config "$work/lucent.yaml" \
    --workspace "$ws" --open "$ws/base/wallet-service.yaml:49" --screenshot "$here/docs/manifests.png"
echo "wrote $here/docs/manifests.png"
# The promotion wizard's pages, the dashboard during a promotion and the history, in light and
# dark: taken by the wizard's GUI test at the moments it checks (its own sandbox and Prometheus),
# so that each picture is of a promotion that really ran.
mkdir -p "$here/docs/promotion"
for theme in light dark; do
    LUCENT_SCREENSHOT_DIR="$here/docs/promotion" LUCENT_THEME=$theme QT_QPA_PLATFORM=offscreen \
        LUCENT_SANDBOX="$build/sandbox/lucent-sandbox" LUCENT_CONSOLE="$build/app/lucent-console" \
        "$build/tests/tst_promotionwizard" >"$work/promotion-$theme.out" 2>&1 \
        || { tail -20 "$work/promotion-$theme.out"; exit 1; }
    LUCENT_SCREENSHOT_DIR="$here/docs/promotion" LUCENT_THEME=$theme QT_QPA_PLATFORM=offscreen \
        LUCENT_SANDBOX="$build/sandbox/lucent-sandbox" LUCENT_CONSOLE="$build/app/lucent-console" \
        "$build/tests/tst_promotionwizardrecovery" >"$work/promotion-recovery-$theme.out" 2>&1 \
        || { tail -20 "$work/promotion-recovery-$theme.out"; exit 1; }
done
echo "wrote $here/docs/promotion/"
# The service detail's pods with CPU and memory from metrics.k8s.io, taken by the dashboard test
# once two windows of figures have come.
LUCENT_SCREENSHOT_DIR="$here/docs" QT_QPA_PLATFORM=offscreen LUCENT_SANDBOX="$build/sandbox/lucent-sandbox" \
    LUCENT_CONSOLE="$build/app/lucent-console" "$build/tests/tst_rolloutdashboard" podsShowCpuAndMemoryFromTheMetricsApi \
    >"$work/pods-usage.out" 2>&1 || { tail -20 "$work/pods-usage.out"; exit 1; }
echo "wrote $here/docs/service-pods-usage.png"
