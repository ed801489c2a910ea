#!/usr/bin/ruby
# A third, independent client against lucent-sandbox: Debian's ruby-kubeclient 4.9. It lists,
# gets, patches and creates through the usual paths, and watches through the deprecated
# /api/v1/watch/... paths that every API server still serves.
# usage: ruby_client_kubeclient.rb PATH_TO_LUCENT_SANDBOX
require 'kubeclient'
require 'open3'
require 'timeout'
require 'tmpdir'

def check(condition, what)
  return if condition

  warn "FAIL: #{what}"
  exit 1
end

def start_sandbox(binary, directory)
  kubeconfig = File.join(directory, 'kubeconfig')
  stdin, stdout, stderr, thread = Open3.popen3(binary, '--port', '0', '--speed', '20', '--tls',
                                               '--kubeconfig-out', kubeconfig)
  stdin.close
  line = stdout.gets.to_s
  unless line =~ %r{listening on https://127\.0\.0\.1:\d+}
    Process.kill('KILL', thread.pid)
    abort "the sandbox did not start: #{line}#{stderr.read}"
  end
  [thread, kubeconfig]
end

def label(object, key)
  (object.metadata.labels.to_h || {}).transform_keys(&:to_s)[key]
end

def client_for(context, path)
  Kubeclient::Client.new(context.api_endpoint + path, 'v1', ssl_options: context.ssl_options,
                                                           auth_options: context.auth_options)
end

# The first notice of a watch that satisfies the block, or a failure after 30 s.
def first_notice(watcher)
  Timeout.timeout(30) do
    watcher.each do |notice|
      next unless yield(notice)

      watcher.finish
      return notice
    end
  end
  nil
rescue Timeout::Error
  watcher.finish
  nil
end

def exercise(kubeconfig)
  context = Kubeclient::Config.read(kubeconfig).context('production')
  core = client_for(context, '/api')
  apps = client_for(context, '/apis/apps')
  ns = 'lucent-platform'

  deployments = apps.get_deployments(namespace: ns)
  names = deployments.map { |d| d.metadata.name }.sort
  check(names.include?('wallet-service') && names.size == 9, "list deployments: #{names}")

  service = core.get_service('wallet-service', ns)
  check(service.spec.selector.app == 'wallet-service', "get service: #{service.spec.selector.to_h}")

  apps.patch_deployment('wallet-service', { metadata: { labels: { 'patched-by' => 'ruby' } } }, ns)
  patched = apps.get_deployment('wallet-service', ns)
  check(label(patched, 'patched-by') == 'ruby', "patch deployment: #{patched.metadata.labels.to_h}")

  # A watch of pods from the list's version, through /api/v1/watch/namespaces/NS/pods: a pod
  # changed after the list is seen.
  # A sandbox that has just started may not have made its pods yet (a sanitizer build is slow):
  # wait until the list holds one, as a client of a new namespace would.
  pods = core.get_pods(namespace: ns)
  deadline = Time.now + 60
  while pods.empty? && Time.now < deadline
    sleep 0.2
    pods = core.get_pods(namespace: ns)
  end
  check(!pods.empty?, "list pods: none in #{ns} after 60 s")
  pod = pods.first.metadata.name
  watcher = core.watch_pods(namespace: ns, resource_version: pods.resourceVersion)
  core.patch_pod(pod, { metadata: { labels: { 'watched-by' => 'ruby' } } }, ns)
  seen = first_notice(watcher) do |n|
    n.type == 'MODIFIED' && n.object.metadata.name == pod && label(n.object, 'watched-by') == 'ruby'
  end
  check(seen, "watch pods: no MODIFIED event for #{pod} with the new label")

  # A watch of one object by name (/watch/.../configmaps/NAME) sees its creation and nothing else.
  listed = core.get_config_maps(namespace: ns)
  watcher = core.watch_config_maps(namespace: ns, name: 'from-ruby', resource_version: listed.resourceVersion)
  core.create_config_map(Kubeclient::Resource.new(metadata: { name: 'not-this-one', namespace: ns },
                                                   data: { 'k' => 'v' }))
  core.create_config_map(Kubeclient::Resource.new(metadata: { name: 'from-ruby', namespace: ns },
                                                  data: { 'LOG_LEVEL' => 'debug' }))
  seen = first_notice(watcher) { true }
  check(seen && seen.type == 'ADDED' && seen.object.metadata.name == 'from-ruby', "named watch: #{seen.inspect[0, 200]}")
  created = core.get_config_map('from-ruby', ns)
  check(created.data.LOG_LEVEL == 'debug', "create config map: #{created.data.to_h}")
end

binary = ARGV.fetch(0) { abort 'usage: ruby_client_kubeclient.rb PATH_TO_LUCENT_SANDBOX' }
Dir.mktmpdir do |directory|
  thread, kubeconfig = start_sandbox(binary, directory)
  begin
    exercise(kubeconfig)
  ensure
    Process.kill('TERM', thread.pid)
    thread.join
  end
end
puts 'ruby-kubeclient: list, get, patch, create and the legacy watch paths work'
