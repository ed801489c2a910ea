#!/bin/sh
# The platform's smoke test for a blue-green promotion. lucent-console runs it (lucent.yaml's
# promotion.smokeTest, without a shell) once per service: before the switch against the
# service's preview Service, and in the monitor window against the Service itself. It asks the
# service's health endpoints through the API server's service proxy, with the kubeconfig and
# context the console was given, and fails (exit 1) when one does not answer.
#
# Told by the console: LUCENT_NAMESPACE, LUCENT_SERVICE, LUCENT_TARGET_SERVICE, LUCENT_COLOUR,
# LUCENT_PHASE (preview or monitor), LUCENT_TARGET_URL, LUCENT_CONTEXT and KUBECONFIG.
set -eu
: "${LUCENT_NAMESPACE:?the console sets it}" "${LUCENT_TARGET_SERVICE:?the console sets it}"

kubectl_in_context() {
    if [ -n "${LUCENT_CONTEXT:-}" ]; then
        kubectl --context "$LUCENT_CONTEXT" "$@"
    else
        kubectl "$@"
    fi
}

for path in /health /health/ready; do
    url="/api/v1/namespaces/$LUCENT_NAMESPACE/services/$LUCENT_TARGET_SERVICE/proxy$path"
    attempt=1
    # A new preview's Endpoints may need a moment: three tries, a second apart.
    until answer=$(kubectl_in_context get --raw "$url" 2>&1); do
        if [ "$attempt" -ge 3 ]; then
            echo "FAIL $LUCENT_TARGET_SERVICE$path: $answer"
            exit 1
        fi
        attempt=$((attempt + 1))
        sleep 1
    done
    echo "ok $LUCENT_TARGET_SERVICE$path (${LUCENT_PHASE:-}, ${LUCENT_COLOUR:-})"
done
