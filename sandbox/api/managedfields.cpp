#include "sandbox/api/managedfields.h"

#include "sandbox/api/patch.h"

#include <algorithm>
#include <map>
#include <set>

namespace lucent::sandbox::managedfields {

using json = nlohmann::json;

namespace {

using Path = std::vector<std::string>;
using Paths = std::set<Path>;

std::string join(const std::string &path, const std::string &field)
{
    return path.empty() ? field : path + "." + field;
}

// The value of an element's key fields; a port without a protocol is a TCP one, as the
// defaulting makes it.
json keyOf(const json &item, const std::vector<std::string> &keys)
{
    json key = json::object();
    for (const auto &k : keys) {
        if (item.contains(k))
            key[k] = item[k];
        else if (k == "protocol")
            key[k] = "TCP";
    }
    return key;
}

bool keyed(const json &list, const std::vector<std::string> &keys)
{
    return !keys.empty() && list.is_array() && std::all_of(list.begin(), list.end(), [&](const json &item) {
        return item.is_object() && item.contains(keys[0]);
    });
}

// Maps the API marks +mapType=atomic: owned, compared and replaced as one value. A Service's
// selector is one, so a server-side apply of {app} over {app, color} is a change of the
// selector (a conflict if another manager owns it), not a merge that leaves color in place.
bool atomicMap(const std::string &kind, const std::string &path)
{
    return kind == "Service" && path == "spec.selector";
}

json build(const std::string &kind, const json &value, const std::string &path)
{
    json set = json::object();
    if (value.is_object() && atomicMap(kind, path))
        return set; // one leaf
    if (value.is_object()) {
        for (const auto &[key, child] : value.items())
            set["f:" + key] = build(kind, child, join(path, key));
    } else if (value.is_array()) {
        const auto keys = listMapKeys(kind, path);
        if (!keyed(value, keys))
            return set; // an atomic list: one leaf
        for (const auto &item : value) {
            json element = build(kind, item, path + "[]");
            element["."] = json::object();
            set["k:" + keyOf(item, keys).dump()] = element;
        }
    }
    return set;
}

void leaves(const json &set, Path &prefix, Paths &out)
{
    for (const auto &[key, child] : set.items()) {
        prefix.push_back(key);
        if (key == "." || child.empty())
            out.insert(prefix);
        else
            leaves(child, prefix, out);
        prefix.pop_back();
    }
}

Paths leavesOf(const json &set)
{
    Paths out;
    Path prefix;
    if (set.is_object())
        leaves(set, prefix, out);
    return out;
}

// The element of @p list whose key fields equal @p key.
json *findElement(json &list, const json &key)
{
    if (!list.is_array())
        return nullptr;
    for (auto &item : list) {
        if (!item.is_object())
            continue;
        std::vector<std::string> names;
        for (const auto &[name, value] : key.items())
            names.push_back(name);
        if (keyOf(item, names) == key)
            return &item;
    }
    return nullptr;
}

const json *valueAt(const json &object, const Path &path)
{
    const json *current = &object;
    for (const auto &element : path) {
        if (element == ".")
            return current;
        if (element.rfind("f:", 0) == 0) {
            if (!current->is_object() || !current->contains(element.substr(2)))
                return nullptr;
            current = &(*current)[element.substr(2)];
        } else if (element.rfind("k:", 0) == 0) {
            const json key = json::parse(element.substr(2), nullptr, false);
            current = findElement(const_cast<json &>(*current), key);
            if (!current)
                return nullptr;
        } else {
            return nullptr;
        }
    }
    return current;
}

void erase(json &object, const Path &path)
{
    if (path.empty())
        return;
    const bool element = path.back() == ".";
    const Path parentPath(path.begin(), path.end() - (element ? 2 : 1));
    json *parent = const_cast<json *>(valueAt(object, parentPath));
    if (!parent)
        return;
    const std::string &last = element ? path[path.size() - 2] : path.back();
    if (last.rfind("f:", 0) == 0 && parent->is_object()) {
        parent->erase(last.substr(2));
    } else if (last.rfind("k:", 0) == 0 && parent->is_array()) {
        const json key = json::parse(last.substr(2), nullptr, false);
        if (json *found = findElement(*parent, key))
            parent->erase(parent->begin() + (found - &(*parent)[0]));
    }
}

void addPath(json &set, const Path &path)
{
    json *node = &set;
    for (const auto &element : path) {
        if (!node->contains(element))
            (*node)[element] = json::object();
        node = &(*node)[element];
        if (element.rfind("k:", 0) == 0 && !node->contains("."))
            (*node)["."] = json::object();
    }
}

bool removePath(json &set, const Path &path, std::size_t at = 0)
{
    if (at >= path.size() || !set.is_object() || !set.contains(path[at]))
        return false;
    if (at + 1 == path.size()) {
        set.erase(path[at]);
        return true;
    }
    const bool removed = removePath(set[path[at]], path, at + 1);
    const json &child = set[path[at]];
    if (removed && (child.empty() || (child.size() == 1 && child.contains("."))))
        set.erase(path[at]);
    return removed;
}

void mergeInto(const std::string &kind, json &target, const json &applied, const std::string &path)
{
    if (applied.is_object() && target.is_object() && !atomicMap(kind, path)) {
        for (const auto &[key, value] : applied.items()) {
            if (target.contains(key))
                mergeInto(kind, target[key], value, join(path, key));
            else
                target[key] = value;
        }
        return;
    }
    const auto keys = listMapKeys(kind, path);
    if (applied.is_array() && keyed(applied, keys) && target.is_array()) {
        for (const auto &item : applied) {
            if (json *existing = findElement(target, keyOf(item, keys)))
                mergeInto(kind, *existing, item, path + "[]");
            else
                target.push_back(item);
        }
        return;
    }
    target = applied;
}

std::string fieldPath(const Path &path)
{
    std::string out;
    for (const auto &element : path) {
        if (element.rfind("f:", 0) == 0) {
            out += "." + element.substr(2);
        } else if (element.rfind("k:", 0) == 0) {
            const json key = json::parse(element.substr(2), nullptr, false);
            std::string inner;
            for (const auto &[name, value] : key.items())
                inner += (inner.empty() ? "" : ",") + name + "=" + value.dump();
            out += "[" + inner + "]";
        }
    }
    return out;
}

json entry(const std::string &manager, const char *operation, const std::string &apiVersion, const std::string &now,
           const json &fields)
{
    return {{"manager", manager}, {"operation", operation},   {"apiVersion", apiVersion},
            {"time", now},        {"fieldsType", "FieldsV1"}, {"fieldsV1", fields}};
}

json entriesOf(const json &object)
{
    const json entries
        = object.is_object() ? object.value("/metadata/managedFields"_json_pointer, json::array()) : json::array();
    return entries.is_array() ? entries : json::array();
}

void setEntries(json &object, json entries)
{
    json kept = json::array();
    for (auto &e : entries)
        if (e.value("fieldsV1", json::object()).is_object() && !e.value("fieldsV1", json::object()).empty())
            kept.push_back(std::move(e));
    if (kept.empty())
        object["metadata"].erase("managedFields");
    else
        object["metadata"]["managedFields"] = kept;
}

} // namespace

json fieldSet(const std::string &kind, const json &object)
{
    json stripped = object;
    if (!stripped.is_object())
        return json::object();
    for (const char *field : {"apiVersion", "kind", "status"})
        stripped.erase(field);
    if (stripped.contains("metadata") && stripped["metadata"].is_object()) {
        for (const char *field : {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                                  "selfLink", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds"})
            stripped["metadata"].erase(field);
        if (stripped["metadata"].empty())
            stripped.erase("metadata");
    }
    return build(kind, stripped, "");
}

ApplyOutcome apply(const std::string &kind, const std::string &apiVersion, const json &live, const json &applied,
                   const std::string &manager, bool force, const std::string &now)
{
    ApplyOutcome outcome;
    const json appliedSet = fieldSet(kind, applied);
    const Paths appliedLeaves = leavesOf(appliedSet);
    json entries = entriesOf(live);
    json previous = json::object();
    for (auto &e : entries) {
        if (e.value("manager", "") == manager && e.value("operation", "") == "Apply") {
            previous = e.value("fieldsV1", json::object());
            continue;
        }
        json &fields = e["fieldsV1"];
        for (const auto &leaf : leavesOf(fields)) {
            if (leaf.back() == "." || !appliedLeaves.count(leaf))
                continue;
            const json *mine = valueAt(applied, leaf), *theirs = live.is_null() ? nullptr : valueAt(live, leaf);
            if (mine && theirs && *mine == *theirs)
                continue; // the same value: both own it
            outcome.conflicts.push_back({e.value("manager", ""), e.value("apiVersion", apiVersion), fieldPath(leaf)});
            if (force)
                removePath(fields, leaf);
        }
    }
    if (!outcome.conflicts.empty() && !force)
        return outcome;

    json result = live.is_null() ? json::object() : live;
    Paths others;
    for (const auto &e : entries)
        if (!(e.value("manager", "") == manager && e.value("operation", "") == "Apply"))
            for (const auto &leaf : leavesOf(e.value("fieldsV1", json::object())))
                others.insert(leaf);
    // What this manager applied before and applies no more goes, unless someone else owns it;
    // deepest first, so that an element goes after its fields.
    const Paths before = leavesOf(previous);
    for (auto it = before.rbegin(); it != before.rend(); ++it)
        if (!appliedLeaves.count(*it) && !others.count(*it))
            erase(result, *it);
    mergeInto(kind, result, applied, "");

    json kept = json::array();
    for (auto &e : entries)
        if (!(e.value("manager", "") == manager && e.value("operation", "") == "Apply"))
            kept.push_back(std::move(e));
    kept.push_back(entry(manager, "Apply", apiVersion, now, appliedSet));
    setEntries(result, std::move(kept));
    outcome.object = std::move(result);
    if (force)
        outcome.conflicts.clear();
    return outcome;
}

void recordUpdate(const std::string &kind, const std::string &apiVersion, const json &before, json &after,
                  const std::string &manager, const std::string &now)
{
    if (!after.is_object() || !after.contains("metadata") || !after["metadata"].is_object())
        return;
    const Paths afterLeaves = leavesOf(fieldSet(kind, after));
    Paths changed, removed;
    for (const auto &leaf : afterLeaves) {
        const json *old = before.is_null() ? nullptr : valueAt(before, leaf);
        const bool element = leaf.back() == ".";
        if (!old || (!element && *old != *valueAt(after, leaf)))
            changed.insert(leaf);
    }
    if (!before.is_null())
        for (const auto &leaf : leavesOf(fieldSet(kind, before)))
            if (!afterLeaves.count(leaf))
                removed.insert(leaf);
    json entries = entriesOf(before);
    bool found = false;
    for (auto &e : entries) {
        json &fields = e["fieldsV1"];
        const bool mine = e.value("manager", "") == manager && e.value("operation", "") == "Update";
        for (const auto &leaf : removed)
            removePath(fields, leaf);
        for (const auto &leaf : changed) {
            if (mine)
                addPath(fields, leaf);
            else
                removePath(fields, leaf);
        }
        if (mine) {
            e["time"] = now;
            found = true;
        }
    }
    if (!found && !changed.empty()) {
        json fields = json::object();
        for (const auto &leaf : changed)
            addPath(fields, leaf);
        entries.push_back(entry(manager, "Update", apiVersion, now, fields));
    }
    setEntries(after, std::move(entries));
}

std::string conflictMessage(const std::vector<Conflict> &conflicts)
{
    std::vector<std::pair<std::string, std::vector<const Conflict *>>> byManager;
    for (const auto &c : conflicts) {
        auto it = std::find_if(byManager.begin(), byManager.end(), [&](const auto &g) { return g.first == c.manager; });
        if (it == byManager.end())
            byManager.push_back({c.manager, {&c}});
        else
            it->second.push_back(&c);
    }
    const std::size_t n = conflicts.size();
    std::string message = "Apply failed with " + std::to_string(n) + (n == 1 ? " conflict: " : " conflicts: ");
    for (std::size_t g = 0; g < byManager.size(); ++g) {
        const auto &[name, group] = byManager[g];
        if (g)
            message += "\n";
        const std::string using_ = "\"" + name + "\" using " + group.front()->apiVersion;
        if (group.size() == 1) {
            message += "conflict with " + using_ + ": " + group.front()->field;
        } else {
            message += "conflicts with " + using_ + ":";
            for (const auto *c : group)
                message += "\n- " + c->field;
        }
    }
    return message;
}

} // namespace lucent::sandbox::managedfields
