// C++ with threads for the static-vs-trace table: std::thread, a mutex, a condition variable,
// iostreams and a file written with std::ofstream.
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

int main(int argc, char **argv) {
    std::mutex m;
    std::condition_variable cv;
    int done = 0;
    std::vector<std::thread> pool;
    for (int i = 0; i < 4; i++) {
        pool.emplace_back([&] {
            std::lock_guard<std::mutex> g(m);
            done++;
            cv.notify_one();
        });
    }
    {
        std::unique_lock<std::mutex> l(m);
        cv.wait(l, [&] { return done == 4; });
    }
    for (auto &t : pool) {
        t.join();
    }
    std::ofstream(argc > 1 ? argv[1] : "/dev/null") << done << "\n";
    std::cout << "threads " << done << std::endl;
    return 0;
}
