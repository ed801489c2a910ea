// pods/exec and pods/portforward. Exec runs a small, honest command set inside the simulated
// containers. `curl` reaches the
// pod's own ports (answered by the simulated service, so the platform's health checks work)
// and Services of the namespace; `env`, `printenv`, `cat` of mounted ConfigMap and Secret
// files, `hostname`, `echo`, `true`, `false` and `sh -c` of those. Anything else exits 127
// with "command not found", as a minimal image would. A port-forward reaches the ports the
// pod's containers declare, where the simulated service answers HTTP. The transport speaks
// WebSocket and SPDY; this file decides what the pod answers.

#include "sandbox/api/apiserver.h"
#include "sandbox/auth/certificates.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

ApiResponse failure(const ApiError &e)
{
    return ApiResponse::json(e.code, e.toStatus());
}

// Words of a shell command line: blanks split, quotes group, a backslash escapes.
std::vector<std::string> words(const std::string &line)
{
    std::vector<std::string> out;
    std::string current;
    bool inWord = false;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < line.size())
                current += line[++i];
            else
                current += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            inWord = true;
        } else if (c == '\\' && i + 1 < line.size()) {
            current += line[++i];
            inWord = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (inWord)
                out.push_back(current);
            current.clear();
            inWord = false;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (inWord)
        out.push_back(current);
    return out;
}

// $(NAME) replaced by an earlier variable's value, as the kubelet expands env values; $$ is
// a literal $, and a reference to an unknown name stays as written.
std::string expanded(const std::string &value, const std::vector<std::pair<std::string, std::string>> &earlier)
{
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '$' || i + 1 >= value.size()) {
            out += value[i];
        } else if (value[i + 1] == '$') {
            out += '$';
            ++i;
        } else if (value[i + 1] == '(' && value.find(')', i) != std::string::npos) {
            const std::size_t close = value.find(')', i);
            const std::string name = value.substr(i + 2, close - i - 2);
            auto it = std::find_if(earlier.rbegin(), earlier.rend(), [&](const auto &e) { return e.first == name; });
            out += it == earlier.rend() ? value.substr(i, close - i + 1) : it->second;
            i = close;
        } else {
            out += value[i];
        }
    }
    return out;
}

std::string stringOr(const json &object, const char *key, const std::string &fallback = {})
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

struct Url {
    std::string host;
    int port = 80;
    std::string path = "/";
};

std::optional<Url> parseUrl(std::string text)
{
    if (text.rfind("http://", 0) == 0)
        text = text.substr(7);
    else if (text.find("://") != std::string::npos)
        return std::nullopt;
    Url url;
    const auto slash = text.find('/');
    std::string authority = text.substr(0, slash);
    if (slash != std::string::npos)
        url.path = text.substr(slash);
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos) {
        try {
            url.port = std::stoi(authority.substr(colon + 1));
        } catch (const std::exception &) {
            return std::nullopt;
        }
        authority = authority.substr(0, colon);
    }
    url.host = authority;
    return url;
}

} // namespace

std::variant<json, ApiResponse> ApiServer::sessionPod(const ApiRequest &request, const Target &target) const
{
    if (request.method != "GET" && request.method != "POST")
        return failure(ApiError::methodNotAllowed("the server does not allow this method on the requested resource"));
    auto found = m_store.get(*target.type, target.path.ns, target.path.name);
    if (auto e = std::get_if<ApiError>(&found))
        return failure(*e);
    return std::get<json>(std::move(found));
}

ApiResponse ApiServer::exec(const ApiRequest &request, const Target &target)
{
    auto found = sessionPod(request, target);
    if (auto refused = std::get_if<ApiResponse>(&found))
        return *refused;
    const json pod = std::get<json>(found);
    const json containers = pod.value("/spec/containers"_json_pointer, json::array());
    std::string container = request.param("container");
    if (container.empty() && containers.size() == 1)
        container = stringOr(containers[0], "name");
    if (container.empty()) {
        std::string names;
        for (const auto &c : containers)
            names += (names.empty() ? "" : " ") + stringOr(c, "name");
        return failure(ApiError::badRequest("a container name must be specified for pod " + target.path.name
                                            + ", choose one of: [" + names + "]"));
    }
    const bool known = std::any_of(containers.begin(), containers.end(),
                                   [&](const json &c) { return stringOr(c, "name") == container; });
    if (!known)
        return failure(ApiError::badRequest("container " + container + " is not valid for pod " + target.path.name));
    std::vector<std::string> argv;
    for (auto [it, end] = request.query.equal_range("command"); it != end; ++it)
        argv.push_back(it->second);
    if (argv.empty())
        return failure(ApiError::badRequest("you must specify at least 1 command"));
    const auto run = m_runtime ? m_runtime->run(pod["metadata"].value("uid", ""), false) : std::nullopt;
    if (!run || run->end >= 0)
        return failure(
            ApiError::badRequest("unable to upgrade connection: container not found (\"" + container + "\")"));
    if (request.header("upgrade").empty())
        return failure(ApiError::badRequest("Upgrade request required"));

    ApiResponse response = ApiResponse::json(101, json::object());
    const std::string ns = target.path.ns, name = target.path.name;
    response.exec = [this, ns, name, container, argv](const std::string &stdinText) {
        auto current = m_store.get(*findResource("", "v1", "pods"), ns, name);
        if (std::holds_alternative<ApiError>(current))
            return ExecResult{"", "the pod is gone\n", 137};
        return runCommand(std::get<json>(current), container, argv, stdinText);
    };
    return response;
}

ApiResponse ApiServer::portForward(const ApiRequest &request, const Target &target)
{
    auto found = sessionPod(request, target);
    if (auto refused = std::get_if<ApiResponse>(&found))
        return *refused;
    const json pod = std::get<json>(found);
    const auto run = m_runtime ? m_runtime->run(pod["metadata"].value("uid", ""), false) : std::nullopt;
    if (!run || run->end >= 0)
        return failure(ApiError::badRequest("pod " + target.path.name + " is not running"));
    if (request.header("upgrade").empty())
        return failure(ApiError::badRequest("Upgrade request required"));
    ApiResponse response = ApiResponse::json(101, json::object());
    const std::string ns = target.path.ns, name = target.path.name;
    response.forward = [this, ns, name](int port, const std::string &bytes) {
        auto current = m_store.get(*findResource("", "v1", "pods"), ns, name);
        if (std::holds_alternative<ApiError>(current))
            return ForwardAnswer{true, "", "pod " + name + " is gone"};
        return forwardTo(std::get<json>(current), port, bytes);
    };
    return response;
}

ForwardAnswer ApiServer::forwardTo(const json &pod, int port, const std::string &bytes)
{
    const std::string name = pod["metadata"].value("name", "");
    bool listening = false;
    for (const auto &c : pod.value("/spec/containers"_json_pointer, json::array()))
        for (const auto &p : c.value("ports", json::array()))
            listening = listening || p.value("containerPort", 0) == port;
    if (!listening)
        return {true, "",
                "error forwarding port " + std::to_string(port) + " to pod " + name + ": connect: connection refused"};
    // The request line of the forwarded HTTP request; the simulated service answers GETs.
    const std::string badRequest = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const std::string line = bytes.substr(0, bytes.find("\r\n"));
    const auto first = line.find(' '), second = line.find(' ', first + 1);
    if (first == std::string::npos || second == std::string::npos)
        return {false, badRequest, ""};
    const std::string path = line.substr(first + 1, second - first - 1);
    ApiRequest inner;
    inner.method = line.substr(0, first);
    inner.path = "/api/v1/namespaces/" + pod["metadata"].value("namespace", "") + "/pods/" + name + "/proxy"
        + (path.empty() || path[0] != '/' ? "/" + path : path.substr(0, path.find('?')));
    const auto parsed = RequestPath::parse(inner.path);
    if (!parsed)
        return {false, badRequest, ""};
    const ApiResponse answer = proxy(inner, {*parsed, findResource("", "v1", "pods")});
    const json body = json::parse(answer.body, nullptr, false);
    if (answer.status >= 500 && body.is_object() && body.value("kind", "") == "Status")
        return {true, "",
                "error forwarding port " + std::to_string(port) + " to pod " + name + ": " + body.value("message", "")};
    static const std::map<int, std::string> reasons{{200, "OK"}, {404, "Not Found"}, {503, "Service Unavailable"}};
    const auto reason = reasons.find(answer.status);
    return {false,
            "HTTP/1.1 " + std::to_string(answer.status) + " " + (reason == reasons.end() ? "Status" : reason->second)
                + "\r\nContent-Type: " + answer.contentType + "\r\nContent-Length: "
                + std::to_string(answer.body.size()) + "\r\nConnection: close\r\n\r\n" + answer.body,
            ""};
}

ExecResult ApiServer::runCommand(const json &pod, const std::string &container, const std::vector<std::string> &argv,
                                 const std::string &stdinText)
{
    const std::string &program = argv.front();
    const std::string name = program.substr(program.rfind('/') + 1);
    const std::vector<std::string> args(argv.begin() + 1, argv.end());
    if (name == "sh" || name == "bash") {
        if (args.size() < 2 || args[0] != "-c")
            return {"", name + ": only `" + name + " -c COMMANDS` runs in this simulated container\n", 2};
        return runScript(pod, container, args[1], stdinText);
    }
    if (name == "true")
        return {};
    if (name == "false")
        return {"", "", 1};
    if (name == "echo") {
        std::string out;
        for (std::size_t i = 0; i < args.size(); ++i)
            out += (i ? " " : "") + args[i];
        return {out + "\n", "", 0};
    }
    if (name == "hostname")
        return {pod["metadata"].value("name", "") + "\n", "", 0};
    if (name == "env" || name == "printenv") {
        std::string out;
        for (const auto &[key, value] : environment(pod, container)) {
            if (args.empty())
                out += key + "=" + value + "\n";
            else if (std::find(args.begin(), args.end(), key) != args.end())
                out += value + "\n";
        }
        return {out, "", args.empty() || !out.empty() ? 0 : 1};
    }
    if (name == "cat") {
        if (args.empty())
            return {stdinText, "", 0};
        ExecResult result;
        for (const auto &path : args) {
            if (auto content = mountedFile(pod, container, path))
                result.out += *content;
            else {
                result.err += "cat: " + path + ": No such file or directory\n";
                result.exitCode = 1;
            }
        }
        return result;
    }
    if (name == "curl")
        return curl(pod, container, args);
    return {"", program + ": command not found\n", 127};
}

// Commands separated by ";" or "&&" (which stops at the first failure); no pipes, no
// redirections, no variables.
ExecResult ApiServer::runScript(const json &pod, const std::string &container, const std::string &script,
                                const std::string &stdinText)
{
    ExecResult total;
    std::size_t start = 0;
    bool skip = false;
    while (start <= script.size()) {
        const std::size_t semicolon = script.find(';', start), andAnd = script.find("&&", start);
        const std::size_t end = std::min(semicolon, andAnd);
        const auto argv = words(script.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (!argv.empty() && !skip) {
            const ExecResult one = runCommand(pod, container, argv, stdinText);
            total.out += one.out;
            total.err += one.err;
            total.exitCode = one.exitCode;
        }
        if (end == std::string::npos)
            break;
        skip = end == andAnd && total.exitCode != 0;
        if (end == semicolon)
            skip = false;
        start = end + (end == andAnd ? 2 : 1);
    }
    return total;
}

std::vector<std::pair<std::string, std::string>> ApiServer::environment(const json &pod, const std::string &container)
{
    const std::string ns = pod["metadata"].value("namespace", "");
    auto dataOf = [&](const char *resource, const std::string &name) -> json {
        auto found = m_store.get(*findResource("", "v1", resource), ns, name);
        if (auto object = std::get_if<json>(&found)) {
            json data = object->value("data", json::object());
            if (std::string(resource) == "secrets")
                for (auto &[key, value] : data.items())
                    value = value.is_string() ? base64Decode(value.get<std::string>()).value_or("") : "";
            return data;
        }
        return json::object();
    };
    std::vector<std::pair<std::string, std::string>> env{
        {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
        {"HOSTNAME", pod["metadata"].value("name", "")}};
    for (const auto &c : pod.value("/spec/containers"_json_pointer, json::array())) {
        if (stringOr(c, "name") != container)
            continue;
        for (const auto &from : c.value("envFrom", json::array())) {
            const bool secret = from.contains("secretRef");
            const json ref = from.value(secret ? "secretRef" : "configMapRef", json::object());
            for (const auto &[key, value] : dataOf(secret ? "secrets" : "configmaps", stringOr(ref, "name")).items())
                env.emplace_back(from.value("prefix", "") + key, value.is_string() ? value.get<std::string>() : "");
        }
        for (const auto &e : c.value("env", json::array())) {
            std::string value = expanded(stringOr(e, "value"), env);
            const json source = e.value("valueFrom", json::object());
            if (source.contains("secretKeyRef") || source.contains("configMapKeyRef")) {
                const bool secret = source.contains("secretKeyRef");
                const json ref = source[secret ? "secretKeyRef" : "configMapKeyRef"];
                value
                    = dataOf(secret ? "secrets" : "configmaps", stringOr(ref, "name")).value(stringOr(ref, "key"), "");
            } else if (source.contains("fieldRef")) {
                const std::string field = source["fieldRef"].value("fieldPath", "");
                value = field == "metadata.name"    ? pod["metadata"].value("name", "")
                    : field == "metadata.namespace" ? ns
                    : field == "status.podIP"       ? pod.value("/status/podIP"_json_pointer, std::string())
                                                    : "";
            }
            env.emplace_back(stringOr(e, "name"), value);
        }
    }
    env.emplace_back("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    env.emplace_back("KUBERNETES_SERVICE_PORT", "443");
    env.emplace_back("HOME", "/root");
    return env;
}

std::optional<std::string> ApiServer::mountedFile(const json &pod, const std::string &container,
                                                  const std::string &path)
{
    if (path == "/etc/hostname")
        return pod["metadata"].value("name", "") + "\n";
    const std::string ns = pod["metadata"].value("namespace", "");
    const json volumes = pod.value("/spec/volumes"_json_pointer, json::array());
    for (const auto &c : pod.value("/spec/containers"_json_pointer, json::array())) {
        if (stringOr(c, "name") != container)
            continue;
        for (const auto &mount : c.value("volumeMounts", json::array())) {
            std::string dir = stringOr(mount, "mountPath");
            if (!dir.empty() && dir.back() != '/')
                dir += '/';
            if (path.rfind(dir, 0) != 0)
                continue;
            const std::string file = path.substr(dir.size());
            for (const auto &volume : volumes) {
                if (stringOr(volume, "name") != stringOr(mount, "name"))
                    continue;
                const bool secret = volume.contains("secret");
                if (!secret && !volume.contains("configMap"))
                    continue;
                const json source = volume[secret ? "secret" : "configMap"];
                auto found = m_store.get(*findResource("", "v1", secret ? "secrets" : "configmaps"), ns,
                                         stringOr(source, secret ? "secretName" : "name"));
                const auto object = std::get_if<json>(&found);
                if (!object)
                    continue;
                // With items, only the listed keys are there, each under its path.
                const json items = source.value("items", json::array());
                std::string key = items.empty() ? file : std::string();
                for (const auto &item : items)
                    if (stringOr(item, "path") == file)
                        key = stringOr(item, "key");
                const json data = object->value("data", json::object());
                if (!data.contains(key) || !data[key].is_string())
                    continue;
                return secret ? base64Decode(data[key].get<std::string>()) : data[key].get<std::string>();
            }
        }
    }
    return std::nullopt;
}

// curl to the pod itself (localhost, 127.0.0.1, its IP or name) on one of its container's ports,
// or to a Service of the namespace by name on one of its ports.
ExecResult ApiServer::curl(const json &pod, const std::string &container, const std::vector<std::string> &args)
{
    bool fail = false, silent = false, showError = false;
    std::string target;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "-X" || a == "-H" || a == "-m" || a == "-o" || a == "--max-time" || a == "--connect-timeout") {
            ++i; // an option with a value the simulation does not need
        } else if (a.size() > 1 && a[0] == '-' && a[1] != '-') {
            fail = fail || a.find('f') != std::string::npos;
            silent = silent || a.find('s') != std::string::npos;
            showError = showError || a.find('S') != std::string::npos;
        } else if (a == "--fail") {
            fail = true;
        } else if (a == "--silent") {
            silent = true;
        } else if (a == "--show-error") {
            showError = true;
        } else if (a.rfind("--", 0) != 0) {
            target = a;
        }
    }
    const bool sayErrors = !silent || showError;
    auto error = [&](int code, const std::string &message) {
        return ExecResult{"", sayErrors ? "curl: (" + std::to_string(code) + ") " + message + "\n" : "", code};
    };
    if (target.empty())
        return error(2, "no URL specified");
    const auto url = parseUrl(target);
    if (!url)
        return error(1, "Protocol not supported or disabled in libcurl");
    const std::string ns = pod["metadata"].value("namespace", "");
    const std::string podName = pod["metadata"].value("name", "");
    const std::string podIp = pod.value("/status/podIP"_json_pointer, std::string());
    const bool self
        = url->host == "localhost" || url->host == "127.0.0.1" || url->host == podIp || url->host == podName;
    std::string proxyPath;
    bool listening = false;
    if (self) {
        for (const auto &c : pod.value("/spec/containers"_json_pointer, json::array()))
            for (const auto &p : c.value("ports", json::array()))
                listening = listening || (stringOr(c, "name") == container && p.value("containerPort", 0) == url->port);
        proxyPath = "/api/v1/namespaces/" + ns + "/pods/" + podName + "/proxy" + url->path;
    } else {
        const std::string service = url->host.substr(0, url->host.find('.'));
        auto found = m_store.get(*findResource("", "v1", "services"), ns, service);
        const auto svc = std::get_if<json>(&found);
        if (!svc)
            return error(6, "Could not resolve host: " + url->host);
        for (const auto &p : svc->value("/spec/ports"_json_pointer, json::array()))
            listening = listening || p.value("port", 0) == url->port;
        proxyPath = "/api/v1/namespaces/" + ns + "/services/" + service + "/proxy" + url->path;
    }
    const std::string refused = "Failed to connect to " + url->host + " port " + std::to_string(url->port)
        + " after 0 ms: Couldn't connect to server";
    if (!listening)
        return error(7, refused);
    ApiRequest inner;
    inner.method = "GET";
    inner.path = proxyPath;
    const auto path = RequestPath::parse(proxyPath);
    if (!path)
        return error(3, "URL using bad/illegal format or missing URL");
    const ApiResponse answer = proxy(inner, {*path, findResource("", "v1", self ? "pods" : "services")});
    const json body = json::parse(answer.body, nullptr, false);
    if (answer.status >= 500 && body.is_object() && body.value("kind", "") == "Status")
        return error(7, refused); // the proxy could not reach the process
    if (fail && answer.status >= 400)
        return error(22, "The requested URL returned error: " + std::to_string(answer.status));
    return {answer.body, "", 0};
}

} // namespace lucent::sandbox
