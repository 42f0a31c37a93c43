// A sample of every event type with the payload the deciders wrote for it before the event
// structs existed (recorded from this suite's decider tests at that commit), for the golden,
// round-trip and fold robustness tests of issue #18.
#pragma once

#include <string>
#include <tuple>

#include "domain/event_types/host.hpp"
#include "domain/event_types/identity.hpp"
#include "domain/event_types/image.hpp"
#include "domain/event_types/instance.hpp"
#include "domain/event_types/network.hpp"

namespace kaso::domain::testing {

inline const std::string key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";
inline const std::string fingerprint = "SHA256:WRIaVB6iYyYt4YmaVzZNxz06a2Bk+0yzWBLqKSoO3E4";
inline const image_source url_source{"url", "https://example.test/a.qcow2", "", ""};

// One sample of an event type and the payload the old decider wrote for it, byte for byte.
template <class T>
struct golden {
  T sample;
  std::string payload;
};

// A sample of every event type (36: task kinds "image.download" and "image.import" are no event
// types), with the payload recorded from the deciders before this change.
inline auto samples() {
  return std::tuple{
      golden<identity_created>{{"user0", "pubkey", key, "ssh-ed25519", fingerprint, "", "", "", ""},
                               R"({"fingerprint":"SHA256:WRIaVB6iYyYt4YmaVzZNxz06a2Bk+0yzWBLqKSoO3E4","gecos":"","homedir":"","key_type":"ssh-ed25519","kind":"pubkey","name":"user0","password_hash":"","public_key":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host","shell":""})"},
      golden<identity_modified>{{.name = "mat", .gecos = "Mat"}, R"({"gecos":"Mat","name":"mat"})"},
      golden<identity_modified>{{.kind = "password", .public_key = "", .key_type = "", .fingerprint = "",
                                 .password_hash = "$6$Ed6xP.98jRzvOklK$0DqT"},
                                R"({"fingerprint":"","key_type":"","kind":"password","password_hash":"$6$Ed6xP.98jRzvOklK$0DqT","public_key":""})"},
      golden<identity_removed>{{"user4"}, R"({"name":"user4"})"},
      golden<task_started>{{"image.download", "a", 1, url_source, "", 0, 0, 0},
                           R"({"image_id":1,"image_name":"a","kind":"image.download","min_cpu":0,"min_ram":0,"min_space":0,"sha256":"","source":{"file":"","kind":"url","predefined":"","url":"https://example.test/a.qcow2"}})"},
      golden<task_joined>{{"second", 2, 0, 0, 0},
                          R"({"image_id":2,"image_name":"second","min_cpu":0,"min_ram":0,"min_space":0})"},
      golden<task_completed>{{1}, R"({"image_id":1})"},
      golden<task_failed>{{"404"}, R"({"message":"404"})"},
      golden<task_cancelled>{{}, R"({})"},
      golden<image_created>{{"first", "/i/1.qcow2", "qcow2", 100, 10, "ab", url_source, 0, 0, 0, 1},
                            R"({"format":"qcow2","min_cpu":0,"min_ram":0,"min_space":0,"name":"first","path":"/i/1.qcow2","sha256":"ab","size":10,"source":{"file":"","kind":"url","predefined":"","url":"https://example.test/a.qcow2"},"task_id":1,"virtual_size":100})"},
      golden<image_modified>{{.name = "b", .min_cpu = 2}, R"({"min_cpu":2,"name":"b"})"},
      golden<image_removed>{{"a", "/i/1.qcow2"}, R"({"name":"a","path":"/i/1.qcow2"})"},
      golden<network_created>{{"bridged", "lan", "192.168.1.0/24", "", "", "192.168.1.1", "1.1.1.1", "enp0s31f6",
                               "192.168.1.23", "br0"},
                              R"({"bridge":"br0","cidr":"192.168.1.0/24","dhcp_end":"","dhcp_start":"","gateway":"192.168.1.1","host_interface":"enp0s31f6","host_ip4":"192.168.1.23","kind":"bridged","name":"lan","nameserver":"1.1.1.1"})"},
      golden<network_modified>{{.name = "lab2", .dhcp_end = "10.1.0.250"}, R"({"dhcp_end":"10.1.0.250","name":"lab2"})"},
      golden<network_removed>{{"lab"}, R"({"name":"lab"})"},
      golden<host_accelerator_chosen>{{"tcg", "why", "auto", std::nullopt},
                                      R"({"accelerator":"tcg","configured":"auto","previous":null,"reason":"why"})"},
      golden<host_accelerator_chosen>{{"kvm", "a probe machine ran under KVM", "auto", "tcg"},
                                      R"({"accelerator":"kvm","configured":"auto","previous":"tcg","reason":"a probe machine ran under KVM"})"},
      golden<host_log_damaged>{{"checksum mismatch"}, R"({"error":"checksum mismatch"})"},
      golden<instance_created>{{.name = "vm1", .path = "/var/kaso/instances/vm1", .image_id = 1, .network_id = 1,
                                .identity_ids = {1}, .vcpu = 2, .ram = 2048, .disk_size = 10737418240,
                                .display = "headless", .bootstrapper = "ci-disk", .static_ip4 = "",
                                .mac = "52:54:00:00:00:11", .ssh_port = 40001, .autostart = false,
                                .restart = "on-failure", .restart_limit = 5, .restart_window = 60,
                                .restart_backoff_ms = 1000, .restart_backoff_max_ms = 30000,
                                .mounts = std::vector<guest_mount>{{"/srv/a", "/a", false}, {"/srv/b", "/b", true}}},
                               R"({"autostart":false,"bootstrapper":"ci-disk","disk_size":10737418240,"display":"headless","identity_ids":[1],"image_id":1,"mac":"52:54:00:00:00:11","mounts":[{"guest_path":"/a","host_path":"/srv/a","readonly":false},{"guest_path":"/b","host_path":"/srv/b","readonly":true}],"name":"vm1","network_id":1,"path":"/var/kaso/instances/vm1","ram":2048,"restart":"on-failure","restart_backoff_max_ms":30000,"restart_backoff_ms":1000,"restart_limit":5,"restart_window":60,"ssh_port":40001,"static_ip4":"","vcpu":2})"},
      golden<instance_created>{{.name = "vm1", .path = "/var/kaso/instances/vm1", .image_id = 1, .network_id = 1,
                                .identity_ids = {1}, .vcpu = 2, .ram = 2048, .disk_size = 10737418240,
                                .display = "headless", .bootstrapper = "ci-disk", .static_ip4 = "",
                                .mac = "52:54:00:00:00:11", .ssh_port = 40001, .autostart = false,
                                .restart = "on-failure", .user_data = user_data_payload{"cloud-config", 120}},
                               R"({"autostart":false,"bootstrapper":"ci-disk","disk_size":10737418240,"display":"headless","identity_ids":[1],"image_id":1,"mac":"52:54:00:00:00:11","name":"vm1","network_id":1,"path":"/var/kaso/instances/vm1","ram":2048,"restart":"on-failure","restart_backoff_max_ms":30000,"restart_backoff_ms":1000,"restart_limit":5,"restart_window":60,"ssh_port":40001,"static_ip4":"","user_data":{"bytes":120,"kind":"cloud-config"},"vcpu":2})"},
      golden<instance_modified>{{.name = "web", .vcpu = 3, .ram = 4096, .display = "gui"},
                                R"({"display":"gui","name":"web","ram":4096,"vcpu":3})"},
      golden<instance_modified>{{.autostart = false, .restart = "never"}, R"({"autostart":false,"restart":"never"})"},
      golden<instance_removed>{{"vm1"}, R"({"name":"vm1"})"},
      golden<instance_starting>{{}, R"({})"},
      golden<instance_starting>{{1}, R"({"restart_attempt":1})"},
      golden<instance_started>{{4242, 77}, R"({"pid":4242,"start_time":77})"},
      golden<instance_restarted>{{200, 2, 1}, R"({"attempt":1,"pid":200,"start_time":2})"},
      golden<instance_start_failed>{{"qemu: cannot open disk"}, R"({"message":"qemu: cannot open disk"})"},
      golden<instance_stopping>{{false, 60}, R"({"force":false,"timeout":60})"},
      golden<instance_stopped>{{0, 0, "powerdown"}, R"({"ended_by":"powerdown","exit_code":0,"signal":0})"},
      golden<instance_crashed>{{-1, 9, "qemu was killed by signal 9"},
                               R"({"exit_code":-1,"reason":"qemu was killed by signal 9","signal":9})"},
      golden<instance_restart_scheduled>{{2000, 2}, R"({"attempt":2,"delay_ms":2000})"},
      golden<instance_restart_cancelled>{{}, R"({})"},
      golden<instance_gave_up>{{"qemu was killed by signal 9; gave up after 3 restarts within 60 s (the limit is 3)"},
                               R"j({"reason":"qemu was killed by signal 9; gave up after 3 restarts within 60 s (the limit is 3)"})j"},
      golden<instance_phoned_home>{{"vm1", {{"ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIG"}, {"ssh-rsa", "AAAAB3NzaC1yc2E"}}, ""},
                                   R"({"host_keys":{"ssh-ed25519":"AAAAC3NzaC1lZDI1NTE5AAAAIG","ssh-rsa":"AAAAB3NzaC1yc2E"},"hostname":"vm1","ip":""})"},
      golden<instance_ip_reported>{{"172.16.4.10"}, R"({"ip":"172.16.4.10"})"},
      golden<instance_ready>{{42250}, R"({"after_ms":42250})"},
      golden<instance_forward_added>{{{"udp", "127.0.0.1", 8080, 53}},
                                     R"({"address":"127.0.0.1","guest_port":53,"host_port":8080,"proto":"udp"})"},
      golden<instance_forward_removed>{{{"tcp", "127.0.0.1", 8080, 80}},
                                       R"({"address":"127.0.0.1","guest_port":80,"host_port":8080,"proto":"tcp"})"},
      golden<instance_mount_added>{{"/srv/b", "/b", true}, R"({"guest_path":"/b","host_path":"/srv/b","readonly":true})"},
      golden<instance_mount_removed>{{"/a"}, R"({"guest_path":"/a"})"},
  };
}

template <class F>
void for_each_sample(F f) {
  std::apply([&](const auto&... g) { (f(g), ...); }, samples());
}


}  // namespace kaso::domain::testing
