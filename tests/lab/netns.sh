# Lab module: the network (sourced by lab.sh). POSIX sh.
#
#   root ns  lab-r0 10.77.1.1 <-veth-> lab-b1 10.77.1.2   lab-bastion
#                                      lab-b0 10.77.0.1 <-veth-> lab-v0   lab-vpc
#                                                         10.77.0.2 .3 .4 .5 .11 .12 .13
#
# The root namespace gets `unreachable 10.77.0.0/16` before anything else,
# so no lab packet can follow the default route out of the machine; the
# more specific 10.77.1.0/24 on lab-r0 leaves only the bastion reachable.
# No namespace gets a default route; new namespaces start with
# ip_forward=0, so the bastion never routes between its two sides.
# In loopback mode there is nothing to do: every service is on 127.0.0.1.

# The namespaces, veths and route are global; several checkouts (or run
# dirs) share their names. This file names the run dir that made them, so
# no other lab's `down` removes them.
LAB_NETNS_OWNER=/run/mctop-lab.owner
netns_owner() { cat "$LAB_NETNS_OWNER" 2>/dev/null; }
netns_mine() {
    netns_o=$(netns_owner)
    [ -z "$netns_o" ] || [ "$netns_o" = "$LAB_RUN" ]
}

# Every address the vpc's veth carries (lab.env's plan).
netns_vpc_ips() {
    echo "$LAB_ICINGA_IP $LAB_CACTI_IP $LAB_SNMP_IP $LAB_SEARCH_IP $LAB_HOST_IPS"
}

# Can this machine create namespaces? Creates and removes an empty one
# (no interfaces, no traffic).
netns_possible() {
    command -v ip >/dev/null 2>&1 || return 1
    ip netns add lab-probe 2>/dev/null || return 1
    ip netns del lab-probe 2>/dev/null
    return 0
}

netns_up() {
    [ "$LAB_MODE" = netns ] || return 0
    # Rule 2 first: the whole lab range is unreachable from the root ns.
    ip route replace unreachable "$LAB_RANGE" ||
        { lab_fail netns "cannot add the unreachable route for $LAB_RANGE"; return 1; }
    echo "$LAB_RUN" > "$LAB_NETNS_OWNER"
    ip netns add "$LAB_NS_BASTION" || { lab_fail netns "ip netns add $LAB_NS_BASTION"; return 1; }
    ip netns add "$LAB_NS_VPC" || { lab_fail netns "ip netns add $LAB_NS_VPC"; return 1; }
    ip -n "$LAB_NS_BASTION" link set lo up &&
    ip -n "$LAB_NS_VPC" link set lo up &&
    # workstation <-> bastion
    ip link add lab-r0 type veth peer name lab-b1 netns "$LAB_NS_BASTION" &&
    ip addr add "$LAB_WS_IP/24" dev lab-r0 &&
    ip link set lab-r0 up &&
    ip -n "$LAB_NS_BASTION" addr add "$LAB_BASTION_IP/24" dev lab-b1 &&
    ip -n "$LAB_NS_BASTION" link set lab-b1 up &&
    # bastion <-> vpc
    ip -n "$LAB_NS_BASTION" link add lab-b0 type veth peer name lab-v0 netns "$LAB_NS_VPC" &&
    ip -n "$LAB_NS_BASTION" addr add "$LAB_VPC_GW/24" dev lab-b0 &&
    ip -n "$LAB_NS_BASTION" link set lab-b0 up &&
    ip -n "$LAB_NS_VPC" link set lab-v0 up ||
        { lab_fail netns "creating the veth pairs"; return 1; }
    for netns_ip in $(netns_vpc_ips); do
        ip -n "$LAB_NS_VPC" addr add "$netns_ip/24" dev lab-v0 ||
            { lab_fail netns "adding $netns_ip to lab-v0"; return 1; }
    done
    # Check the two rules rather than trust the kernel's defaults.
    netns_fwd=$(ip netns exec "$LAB_NS_BASTION" cat /proc/sys/net/ipv4/ip_forward)
    [ "$netns_fwd" = 0 ] ||
        { lab_fail netns "ip_forward is $netns_fwd in $LAB_NS_BASTION"; return 1; }
    for netns_n in "$LAB_NS_BASTION" "$LAB_NS_VPC"; do
        if [ -n "$(ip -n "$netns_n" route show default)" ]; then
            lab_fail netns "$netns_n has a default route"; return 1
        fi
    done
}

# Safe to run twice. Deleting the veths first removes both ends at once
# (`ip netns del` is asynchronous and would leave lab-r0 around for a while).
netns_down() {
    [ "$LAB_MODE" = netns ] || return 0
    if ! netns_mine; then
        echo "lab: the namespaces belong to the lab in $(netns_owner); left alone" >&2
        return 0
    fi
    ip link del lab-r0 2>/dev/null
    ip -n "$LAB_NS_BASTION" link del lab-b0 2>/dev/null
    ip netns del "$LAB_NS_VPC" 2>/dev/null
    ip netns del "$LAB_NS_BASTION" 2>/dev/null
    ip route del unreachable "$LAB_RANGE" 2>/dev/null
    rm -f "$LAB_NETNS_OWNER"
    return 0
}

# Anything of the lab's network still present? (for status and `up` refusal)
netns_present() {
    [ "$LAB_MODE" = netns ] || return 1
    ip netns list 2>/dev/null | grep -Eq "^($LAB_NS_BASTION|$LAB_NS_VPC)( |\$)" && return 0
    ip link show lab-r0 >/dev/null 2>&1 && return 0
    ip route show type unreachable 2>/dev/null | grep -q "^unreachable $LAB_RANGE" && return 0
    return 1
}
