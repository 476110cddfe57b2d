import { expect } from "chai";
import { EnvironmentError } from "../../../src/core/errors.js";
import { dockerdStart, privilegeOf } from "../../../src/lab/privilege.js";
import { groupId } from "../../../src/lab/engine.js";

describe("lab/privilege: root's few commands as root, through sudo -n, or not at all", () => {
  const argv = ["debootstrap", "--variant=minbase", "forky", "/tmp/x/rootfs"];

  it("runs a command as it is as root, and through `sudo -n --` as a user with passwordless sudo", () => {
    expect(privilegeOf("root", "root").asRoot(argv, "debootstrap")).to.deep.equal(argv);
    expect(privilegeOf("sudo", "zuul").asRoot(argv, "debootstrap")).to.deep.equal([
      "sudo",
      "-n",
      "--",
      ...argv,
    ]);
  });

  it("without root or sudo, refuses with an error naming the command, the user and what would let it run", () => {
    const run = () => privilegeOf("none", "alice").asRoot(argv, "debootstrap of Debian forky");
    expect(run).to.throw(EnvironmentError);
    expect(run).to.throw(/^debootstrap of Debian forky needs root: `debootstrap --variant=minbase/);
    expect(run).to.throw(/runs as alice without passwordless sudo/);
    expect(run).to.throw(
      /give alice passwordless sudo \(kroll then runs `sudo -n debootstrap …`\)/,
    );
  });

  it("starts dockerd so that the user who started it can use its socket", () => {
    const log = "/var/log/kroll-dockerd.log";
    expect(
      dockerdStart(privilegeOf("root", "root"), log, { inDockerGroup: false, gid: 0 }),
    ).to.deep.equal(["sh", "-c", `exec dockerd >>${log} 2>&1`]);
    // In the docker group already: Docker's own socket group serves.
    expect(
      dockerdStart(privilegeOf("sudo", "zuul"), log, { inDockerGroup: true, gid: 1000 }).at(-1),
    ).to.equal(`exec dockerd >>${log} 2>&1`);
    // Not in it: the socket by the user's own group.
    expect(
      dockerdStart(privilegeOf("sudo", "zuul"), log, { inDockerGroup: false, gid: 1000 }),
    ).to.deep.equal(["sudo", "-n", "--", "sh", "-c", `exec dockerd --group 1000 >>${log} 2>&1`]);
    expect(() =>
      dockerdStart(privilegeOf("none", "zuul"), log, { inDockerGroup: false, gid: 1000 }),
    ).to.throw(/starting the Docker engine needs root/);
  });

  it("reads a group's id from /etc/group", () => {
    const etc = "root:x:0:\ndocker:x:105:zuul,ci\nzuul:x:1000:\n";
    expect(groupId(etc, "docker")).to.equal(105);
    expect(groupId(etc, "zuul")).to.equal(1000);
    expect(groupId(etc, "sudo")).to.equal(undefined);
    expect(groupId("docker:x:notanumber:\n", "docker")).to.equal(undefined);
  });
});
