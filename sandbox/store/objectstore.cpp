#include "sandbox/store/objectstore.h"

#include <cstdio>
#include <ctime>
#include <random>

namespace lucent::sandbox {

namespace {

std::string objectKey(const std::string &ns, const std::string &name)
{
    return ns + "/" + name;
}

json &metadataOf(json &object)
{
    if (!object["metadata"].is_object())
        object["metadata"] = json::object();
    return object["metadata"];
}

std::string hex(const std::string &s)
{
    static const char *digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

bool unhex(const std::string &s, std::string &out)
{
    if (s.size() % 2)
        return false;
    out.clear();
    for (std::size_t i = 0; i < s.size(); i += 2) {
        auto val = [](char c) -> int {
            if (c >= '0' && c <= '9')
                return c - '0';
            if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
            return -1;
        };
        const int hi = val(s[i]), lo = val(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out += char(hi * 16 + lo);
    }
    return true;
}

} // namespace

std::string nowTimestamp()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

ObjectStore::ObjectStore(std::size_t historyLimit, std::uint64_t seed)
    : m_historyLimit(historyLimit)
    , m_random(seed)
{
}

void ObjectStore::setFirstResourceVersion(std::uint64_t first)
{
    std::lock_guard lock(m_mutex);
    m_resourceVersion = std::max<std::uint64_t>(first, 1);
}

std::string ObjectStore::newUid()
{
    // Random version-4 UUIDs; the counter keeps them unique even with a fixed seed.
    const std::uint64_t a = m_random(), b = m_random() ^ ++m_uidCounter;
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%08x-%04x-4%03x-%04x-%012llx", unsigned(a >> 32), unsigned(a >> 16) & 0xffff,
                  unsigned(a) & 0xfff, (unsigned(b >> 48) & 0x3fff) | 0x8000,
                  (unsigned long long)(b & 0xffffffffffffULL));
    return buffer;
}

ObjectStore::Bucket &ObjectStore::bucket(const ResourceType &type)
{
    return m_objects[type.key()];
}

const ObjectStore::Bucket *ObjectStore::findBucket(const ResourceType &type) const
{
    auto it = m_objects.find(type.key());
    return it == m_objects.end() ? nullptr : &it->second;
}

ObjectStore::StoredObject ObjectStore::StoredObject::from(json value)
{
    auto text = std::make_shared<const std::string>(value.dump(-1, ' ', false, json::error_handler_t::replace));
    return {std::make_shared<const json>(std::move(value)), std::move(text)};
}

void ObjectStore::record(const std::string &type, const ResourceType &resource, const std::string &ns,
                         const StoredObject &object)
{
    const json &meta = (*object)["metadata"];
    json summary = {{"name", meta.value("name", "")}, {"namespace", meta.value("namespace", "")}};
    if (auto labels = meta.find("labels"); labels != meta.end())
        summary["labels"] = *labels;
    m_history.push_back({m_resourceVersion, type, resource.key(), ns, object.text, json{{"metadata", summary}}});
    while (m_history.size() > m_historyLimit)
        m_history.pop_front();
    m_changed.notify_all();
}

Result<json> ObjectStore::create(const ResourceType &type, const std::string &ns, json object, bool dryRun)
{
    std::lock_guard lock(m_mutex);
    json &meta = metadataOf(object);
    std::string name = meta.value("name", "");
    if (name.empty() && meta.contains("generateName") && meta["generateName"].is_string()) {
        const char *alphabet = "bcdfghjklmnpqrstvwxz2456789";
        name = meta["generateName"].get<std::string>();
        for (int i = 0; i < 5; ++i)
            name += alphabet[m_random() % 27];
        meta["name"] = name;
    }
    if (name.empty())
        return ApiError::invalid(
            type.group, type.kind, "",
            {{"FieldValueRequired", "Required value: name or generateName is required", "metadata.name"}});
    if (type.namespaced) {
        const auto *namespaces = findBucket(*findResource("", "v1", "namespaces"));
        if (!namespaces || !namespaces->count(objectKey("", ns)))
            return ApiError::notFound("", "namespaces", ns);
        meta["namespace"] = ns;
    } else {
        meta.erase("namespace");
    }
    Bucket &objects = bucket(type);
    const std::string key = objectKey(type.namespaced ? ns : "", name);
    if (objects.count(key))
        return ApiError::alreadyExists(type.group, type.plural, name);

    object["apiVersion"] = type.apiVersion();
    object["kind"] = type.kind;
    meta["uid"] = newUid();
    meta["creationTimestamp"] = nowTimestamp();
    meta.erase("deletionTimestamp");
    if (object.contains("spec"))
        meta["generation"] = 1;
    if (dryRun) {
        meta["resourceVersion"] = std::to_string(m_resourceVersion);
        return object;
    }
    ++m_resourceVersion;
    meta["resourceVersion"] = std::to_string(m_resourceVersion);
    auto stored = StoredObject::from(std::move(object));
    objects[key] = stored;
    record("ADDED", type, ns, stored);
    return *stored;
}

Result<json> ObjectStore::get(const ResourceType &type, const std::string &ns, const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    const Bucket *objects = findBucket(type);
    const std::string key = objectKey(type.namespaced ? ns : "", name);
    if (!objects || !objects->count(key))
        return ApiError::notFound(type.group, type.plural, name);
    return *objects->at(key);
}

Result<json> ObjectStore::update(const ResourceType &type, const std::string &ns, json object, bool dryRun)
{
    std::lock_guard lock(m_mutex);
    json &meta = metadataOf(object);
    const std::string name = meta.value("name", "");
    Bucket &objects = bucket(type);
    const std::string key = objectKey(type.namespaced ? ns : "", name);
    auto it = objects.find(key);
    if (it == objects.end())
        return ApiError::notFound(type.group, type.plural, name);
    const json &current = *it->second;
    const json &currentMeta = current["metadata"];
    const std::string expected = meta.value("resourceVersion", "");
    if (!expected.empty() && expected != currentMeta.value("resourceVersion", ""))
        return ApiError::conflict(
            type.group, type.plural, name,
            "the object has been modified; please apply your changes to the latest version and try again");
    if (meta.contains("uid") && meta["uid"] != currentMeta["uid"])
        return ApiError::conflict(type.group, type.plural, name,
                                  "Precondition failed: UID in precondition: " + meta["uid"].dump()
                                      + ", UID in object meta: " + currentMeta["uid"].dump());

    object["apiVersion"] = type.apiVersion();
    object["kind"] = type.kind;
    meta["uid"] = currentMeta["uid"];
    meta["creationTimestamp"] = currentMeta["creationTimestamp"];
    if (type.namespaced)
        meta["namespace"] = ns;
    if (currentMeta.contains("generation")) {
        const bool specChanged = object.value("spec", json()) != current.value("spec", json());
        meta["generation"] = currentMeta["generation"].get<std::int64_t>() + (specChanged ? 1 : 0);
    } else if (object.contains("spec")) {
        meta["generation"] = 1;
    }
    if (object == current || dryRun) {
        meta["resourceVersion"] = currentMeta["resourceVersion"];
        return object == current ? current : object; // no-op writes keep their resourceVersion
    }
    ++m_resourceVersion;
    meta["resourceVersion"] = std::to_string(m_resourceVersion);
    auto stored = StoredObject::from(std::move(object));
    it->second = stored;
    record("MODIFIED", type, ns, stored);
    return *stored;
}

Result<json> ObjectStore::modify(const ResourceType &type, const std::string &ns, const std::string &name,
                                 const std::function<std::optional<ApiError>(json &)> &mutate)
{
    json copy;
    {
        std::lock_guard lock(m_mutex);
        const Bucket *objects = findBucket(type);
        const std::string key = objectKey(type.namespaced ? ns : "", name);
        if (!objects || !objects->count(key))
            return ApiError::notFound(type.group, type.plural, name);
        copy = *objects->at(key);
    }
    if (auto error = mutate(copy))
        return *error;
    // update() re-checks the resourceVersion, so a concurrent writer makes this a Conflict
    // rather than a lost update.
    return update(type, ns, std::move(copy), false);
}

Result<json> ObjectStore::remove(const ResourceType &type, const std::string &ns, const std::string &name, bool dryRun,
                                 const std::string &preconditionUid)
{
    std::lock_guard lock(m_mutex);
    Bucket &objects = bucket(type);
    const std::string key = objectKey(type.namespaced ? ns : "", name);
    auto it = objects.find(key);
    if (it == objects.end())
        return ApiError::notFound(type.group, type.plural, name);
    json object = *it->second;
    if (!preconditionUid.empty() && object["metadata"].value("uid", "") != preconditionUid)
        return ApiError::conflict(type.group, type.plural, name,
                                  "Precondition failed: UID in precondition: " + preconditionUid);
    if (dryRun)
        return object;
    ++m_resourceVersion;
    object["metadata"]["resourceVersion"] = std::to_string(m_resourceVersion);
    objects.erase(it);
    record("DELETED", type, ns, StoredObject::from(object));
    return object;
}

template<typename Page, typename Add>
Result<Page> ObjectStore::page(const ResourceType &type, const std::string &ns, const Predicate &filter,
                               std::size_t limit, const std::string &continueToken, Add add) const
{
    std::lock_guard lock(m_mutex);
    Page page;
    page.resourceVersion = m_resourceVersion;
    std::string after;
    if (!continueToken.empty() && !unhex(continueToken, after))
        return ApiError::badRequest("continue key is not valid: illegal base64 data");
    const Bucket *objects = findBucket(type);
    if (!objects)
        return page;

    const std::string prefix = ns.empty() ? std::string() : ns + "/";
    auto it = after.empty() ? objects->lower_bound(prefix) : objects->upper_bound(after);
    std::size_t taken = 0;
    for (; it != objects->end(); ++it) {
        if (!prefix.empty() && it->first.compare(0, prefix.size(), prefix) != 0)
            break;
        if (filter && !filter(*it->second))
            continue;
        if (limit && taken == limit) {
            page.continueToken = hex(std::prev(it)->first);
            for (auto rest = it; rest != objects->end(); ++rest) {
                if (!prefix.empty() && rest->first.compare(0, prefix.size(), prefix) != 0)
                    break;
                if (!filter || filter(*rest->second))
                    ++page.remaining;
            }
            break;
        }
        add(page, it->second);
        ++taken;
    }
    return page;
}

Result<ListPage> ObjectStore::list(const ResourceType &type, const std::string &ns, const Predicate &filter,
                                   std::size_t limit, const std::string &continueToken) const
{
    return page<ListPage>(type, ns, filter, limit, continueToken,
                          [](ListPage &p, const StoredObject &o) { p.items.push_back(*o); });
}

Result<RawPage> ObjectStore::listRaw(const ResourceType &type, const std::string &ns, const Predicate &filter,
                                     std::size_t limit, const std::string &continueToken) const
{
    return page<RawPage>(type, ns, filter, limit, continueToken,
                         [](RawPage &p, const StoredObject &o) { p.items.push_back(o.text); });
}

std::uint64_t ObjectStore::resourceVersion() const
{
    std::lock_guard lock(m_mutex);
    return m_resourceVersion;
}

Result<EventBatch> ObjectStore::waitForEvents(const std::string &resourceKey, std::uint64_t since,
                                              std::chrono::steady_clock::time_point deadline) const
{
    std::unique_lock lock(m_mutex);
    if (!m_history.empty() && since + 1 < m_history.front().resourceVersion && since < m_resourceVersion) {
        return ApiError::gone("too old resource version: " + std::to_string(since) + " ("
                              + std::to_string(m_history.front().resourceVersion - 1) + ")");
    }
    EventBatch batch;
    auto &events = batch.events;
    auto collect = [&] {
        batch.upTo = m_resourceVersion;
        // History is ordered by resourceVersion: walk back from the end to the first newer one.
        auto it = m_history.end();
        while (it != m_history.begin() && std::prev(it)->resourceVersion > since)
            --it;
        for (; it != m_history.end(); ++it) {
            if (it->resource == resourceKey)
                events.push_back(*it);
        }
        return !events.empty();
    };
    while (!collect() && !m_stopped) {
        if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) {
            collect();
            break;
        }
    }
    return batch;
}

void ObjectStore::stop()
{
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    m_changed.notify_all();
}

bool ObjectStore::stopped() const
{
    std::lock_guard lock(m_mutex);
    return m_stopped;
}

void ObjectStore::forEach(const ResourceType &type, const std::function<void(const json &)> &visit) const
{
    std::lock_guard lock(m_mutex);
    if (const Bucket *objects = findBucket(type)) {
        for (const auto &[key, object] : *objects)
            visit(*object);
    }
}

std::vector<json> ObjectStore::select(const ResourceType &type, const std::function<bool(const json &)> &keep) const
{
    std::vector<json> selected;
    std::lock_guard lock(m_mutex);
    if (const Bucket *objects = findBucket(type)) {
        for (const auto &[key, object] : *objects)
            if (keep(*object))
                selected.push_back(*object);
    }
    return selected;
}

std::size_t ObjectStore::count(const ResourceType &type) const
{
    std::lock_guard lock(m_mutex);
    const Bucket *objects = findBucket(type);
    return objects ? objects->size() : 0;
}

} // namespace lucent::sandbox
