#!/usr/bin/perl
# shimscope's exec loader: installs a seccomp BPF program, then executes a program in place.
#   seccomp-exec FILTER.bpf PROGRAM ARGV0 [ARGS...]
# It needs no privilege (PR_SET_NO_NEW_PRIVS suffices) and no namespace, so it works inside the
# capability-dropped sandbox, and it changes nothing else about the process: same pid, same
# credentials, same environment. The filter stays in force across exec and for all children.
use strict;
use warnings;
my ($filter, $program, @argv) = @ARGV;
die "usage: seccomp-exec FILTER PROGRAM ARGV0 [ARGS...]\n" unless defined $program && @argv;
open(my $fh, '<:raw', $filter) or die "seccomp-exec: cannot read $filter: $!\n";
my $bpf = do { local $/; <$fh> };
close $fh;
die "seccomp-exec: $filter is not a BPF program\n" if length($bpf) == 0 || length($bpf) % 8;
# x86_64: prctl = 157, PR_SET_NO_NEW_PRIVS = 38; seccomp = 317, SECCOMP_SET_MODE_FILTER = 1
syscall(157, 38, 1, 0, 0, 0) == 0 or die "seccomp-exec: prctl(PR_SET_NO_NEW_PRIVS): $!\n";
# struct sock_fprog { unsigned short len; struct sock_filter *filter; }
my $prog = pack('S x6 Q', length($bpf) / 8, unpack('Q', pack('P', $bpf)));
syscall(317, 1, 0, $prog) == 0 or die "seccomp-exec: seccomp(SET_MODE_FILTER): $!\n";
exec { $program } @argv;
die "seccomp-exec: cannot execute $program: $!\n";
