#pragma once

#include "sandbox/api/resourcetypes.h"
#include "sandbox/api/status.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace lucent::sandbox {

using json = nlohmann::json;

template<typename T> using Result = std::variant<T, ApiError>;

/// One change, as a watch sends it.
struct WatchEvent {
    std::uint64_t resourceVersion = 0;
    std::string type; ///< ADDED, MODIFIED, DELETED
    std::string resource; ///< ResourceType::key()
    std::string ns;
    std::shared_ptr<const std::string> text; ///< the object as JSON, shared with the store
    json meta; ///< {"metadata": {name, namespace, labels}} for filtering without parsing
};

/// A page of a list as serialized objects, ready to be joined into a response.
struct RawPage {
    std::vector<std::shared_ptr<const std::string>> items;
    std::uint64_t resourceVersion = 0;
    std::string continueToken;
    std::int64_t remaining = 0;
};

/// What a watcher missed: the events of its kind, and the resourceVersion up to which the
/// store was looked at (the watcher may resume from there without losing anything).
struct EventBatch {
    std::vector<WatchEvent> events;
    std::uint64_t upTo = 0;
};

/// A page of a list.
struct ListPage {
    std::vector<json> items;
    std::uint64_t resourceVersion = 0;
    std::string continueToken;
    std::int64_t remaining = 0;
};

/// The sandbox's etcd: every object of every kind, one global resourceVersion that only
/// grows, and a bounded history of changes for watches. Thread-safe; watchers block on
/// waitForEvents() until something newer than their resourceVersion happens.
class ObjectStore
{
public:
    /// @p seed makes uids and generated names repeatable (--seed).
    explicit ObjectStore(std::size_t historyLimit = 10000, std::uint64_t seed = std::random_device{}());

    /// Starts the resourceVersion counter at @p first. Call before anything is stored. A
    /// restarted sandbox is a fresh etcd: starting beyond any earlier run's versions makes
    /// clients that watch from an old version get 410 Gone and list again, as they must.
    void setFirstResourceVersion(std::uint64_t first);

    using Predicate = std::function<bool(const json &)>;

    Result<json> create(const ResourceType &type, const std::string &ns, json object, bool dryRun);
    Result<json> get(const ResourceType &type, const std::string &ns, const std::string &name) const;
    /// Replaces the object. A non-empty metadata.resourceVersion in @p object must match.
    /// @p specChanged decides whether metadata.generation is bumped.
    Result<json> update(const ResourceType &type, const std::string &ns, json object, bool dryRun);
    Result<json> remove(const ResourceType &type, const std::string &ns, const std::string &name, bool dryRun,
                        const std::string &preconditionUid = {});
    /// Applies @p mutate to the current object under the lock (read-modify-write for
    /// controllers); returns the stored object, or the error @p mutate reported.
    Result<json> modify(const ResourceType &type, const std::string &ns, const std::string &name,
                        const std::function<std::optional<ApiError>(json &)> &mutate);

    /// Objects of @p type in @p ns (all namespaces when empty) that @p filter accepts, in
    /// name order, from @p continueToken on, at most @p limit (0: all).
    Result<ListPage> list(const ResourceType &type, const std::string &ns, const Predicate &filter, std::size_t limit,
                          const std::string &continueToken) const;
    /// The same page as list(), serialized: nothing is parsed or copied but pointers.
    Result<RawPage> listRaw(const ResourceType &type, const std::string &ns, const Predicate &filter, std::size_t limit,
                            const std::string &continueToken) const;

    std::uint64_t resourceVersion() const;

    /// Waits until there are events of @p resourceKey newer than @p since, the deadline
    /// passes, or stop() is called. Returns 410 Gone when @p since is older than the history.
    Result<EventBatch> waitForEvents(const std::string &resourceKey, std::uint64_t since,
                                     std::chrono::steady_clock::time_point deadline) const;

    /// Wakes every watcher; they return what they have and end.
    void stop();
    bool stopped() const;

    /// Visits every stored object of @p type (all namespaces) under the lock; keep the
    /// visitor short, writers wait meanwhile.
    void forEach(const ResourceType &type, const std::function<void(const json &)> &visit) const;
    /// The objects of @p type for which @p keep is true, copied out under the lock.
    std::vector<json> select(const ResourceType &type, const std::function<bool(const json &)> &keep) const;
    std::size_t count(const ResourceType &type) const;

private:
    /// One stored version: parsed for the controllers, serialized for lists and watches.
    struct StoredObject {
        std::shared_ptr<const json> object;
        std::shared_ptr<const std::string> text;
        const json &operator*() const { return *object; }
        static StoredObject from(json value);
    };
    using Bucket = std::map<std::string, StoredObject>; // "namespace/name" -> object

    template<typename Page, typename Add>
    Result<Page> page(const ResourceType &type, const std::string &ns, const Predicate &filter, std::size_t limit,
                      const std::string &continueToken, Add add) const;

    std::string newUid();
    void record(const std::string &type, const ResourceType &resource, const std::string &ns,
                const StoredObject &object);
    Bucket &bucket(const ResourceType &type);
    const Bucket *findBucket(const ResourceType &type) const;

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::map<std::string, Bucket> m_objects;
    std::deque<WatchEvent> m_history;
    std::size_t m_historyLimit;
    std::uint64_t m_resourceVersion = 1;
    std::uint64_t m_uidCounter = 0;
    std::mt19937_64 m_random; ///< guarded by m_mutex
    bool m_stopped = false;
};

/// "2026-11-25T17:00:00Z"
std::string nowTimestamp();

} // namespace lucent::sandbox
