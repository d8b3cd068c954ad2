package dev.shimscope.cli;

import dev.shimscope.sandbox.Doctor;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "doctor", description = "Check that this machine can run shimscope: seccomp, bwrap, strace, namespaces, JDK, capstone.")
final class DoctorCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        List<Doctor.Check> checks = new java.util.ArrayList<>(Doctor.runAll());
        String capstone = dev.shimscope.staticbin.BinaryAnalyzer.disassemblerProblem();
        checks.add(new Doctor.Check("capstone", false, capstone == null,
                capstone == null ? "libcapstone4: the disassembler of 'static'" : capstone));
        boolean ok = true;
        for (Doctor.Check c : checks) {
            String status = c.ok() ? "OK     " : c.required() ? "MISSING" : "absent ";
            System.out.printf("%s %-22s %s%n", status, c.name(), c.detail());
            ok &= c.ok() || !c.required();
        }
        return ok ? 0 : 1;
    }
}
