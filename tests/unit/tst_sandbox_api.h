#pragma once

// The sandbox's API layer without sockets (tst_sandbox_api.cpp: authentication, RBAC, history,
// malformed requests, patches, ownership; tst_sandbox_api_wire.cpp: protobuf, WebSocket, SPDY, exec).

#include "sandbox/api/apiserver.h"
#include "sandbox/api/patch.h"
#include "sandbox/api/protobuf.h"
#include "sandbox/api/requestpath.h"
#include "sandbox/api/selectors.h"
#include "sandbox/api/spdy.h"
#include "sandbox/api/websocket.h"
#include "sandbox/cluster/platform.h"
#include "sandbox/cluster/prometheusrunner.h"

#include <QtTest>

#include <memory>

using namespace lucent::sandbox;
using nlohmann::json;

class TestSandboxApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void alertRulesComeFromTheManifests();
    void init();
    void unauthenticatedIsRejected();
    void rbacRoles_data();
    void rbacRoles();
    void selfSubjectAccessReview();
    void watchFromExpiredVersionIsGone();
    void badRequests_data();
    void badRequests();
    void requestPaths_data();
    void requestPaths();
    void labelSelectorSyntax_data();
    void labelSelectorSyntax();
    void strategicMergeKeys();
    void strategicDirectives();
    void injectedFaults();
    void seedMakesUidsRepeatable();
    void deletingANamespaceEmptiesIt();
    void orphanDeletionKeepsTheDependentsWithoutTheirOwner();
    void protobufAnswersDecodeToTheirJson_data();
    void protobufAnswersDecodeToTheirJson();
    void protobufBodiesAreCreated();
    void protobufThatCannotBeReadIsNamed_data();
    void protobufThatCannotBeReadIsNamed();
    void protobufOnlyClientsOfOtherKindsAreRefused();
    void websocketMessagesFromClients();
    void execIsRefusedWithAReason_data();
    void execIsRefusedWithAReason();
    void writesRecordWhoOwnsWhichField();
    void spdyFramesThatCannotBeReadEndTheSession_data();
    void spdyFramesThatCannotBeReadEndTheSession();

private:
    ApiResponse call(const std::string &method, const std::string &path, const std::string &body = {},
                     Identity::Role role = Identity::Role::Admin, const std::string &contentType = "application/json",
                     const std::string &accept = {});

    std::unique_ptr<ObjectStore> m_store;
    std::unique_ptr<ApiServer> m_api;
};
