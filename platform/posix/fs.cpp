#include "posix/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "base/error.hpp"

namespace helpline::detail::platform {
namespace {

[[noreturn]] void throw_io(const std::string &what, const std::string &path, int err) {
  throw Error(HELPLINE_E_IO, what + " '" + path + "': " + std::strerror(err));
}

}  // namespace

void ensure_private_dir(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw Error(HELPLINE_E_IO, "data_dir '" + path + "' exists and is not a directory");
  } else if (errno != ENOENT) {
    throw_io("cannot access data_dir", path, errno);
  } else if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    throw_io("cannot create data_dir", path, errno);
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) throw_io("data_dir is not writable", path, errno);
}

bool path_exists(const std::string &path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

void create_private_file(const std::string &path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw_io("cannot create", path, errno);
  ::close(fd);
}

void rename_path(const std::string &from, const std::string &to, bool optional) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    if (optional && errno == ENOENT) return;
    throw_io("cannot rename to '" + to + "'", from, errno);
  }
}

FileLock::FileLock(const std::string &path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    // A directory that passed access() can still refuse (read-only mount, root-owned 0500).
    throw_io("data_dir is not writable: cannot create lock file", path, errno);
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw Error(HELPLINE_E_LOCKED,
                  "data_dir is in use by another open helpline instance (lock '" + path + "')");
    }
    throw_io("cannot lock", path, err);
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

namespace {

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
};

[[noreturn]] void copy_failed(const std::string &to, const std::string &what, int err) {
  ::unlink(to.c_str());
  throw Error(err == ENOSPC || err == EDQUOT || err == EFBIG ? HELPLINE_E_DISK_FULL : HELPLINE_E_IO,
              what + ": " + std::strerror(err));
}

}  // namespace

int64_t copy_file_private(const std::string &from, const std::string &to, int64_t max_bytes) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.fd < 0) {
    int err = errno;
    throw Error(err == ENOENT || err == ENOTDIR ? HELPLINE_E_NOT_FOUND : HELPLINE_E_IO,
                "cannot open " + from + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw Error(HELPLINE_E_NOT_FOUND, from + " is not a regular file");
  }
  if (st.st_size > max_bytes) {
    throw Error(HELPLINE_E_TOO_LARGE, from + " is " + std::to_string(st.st_size) + " bytes; the limit is " +
                                          std::to_string(max_bytes));
  }
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (out.fd < 0) copy_failed(to, "cannot create " + to, errno);
  int64_t total = 0;
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(in.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) copy_failed(to, "cannot read " + from, errno);
    if (n == 0) break;
    total += n;
    if (total > max_bytes) {  // grew while we copied
      ::unlink(to.c_str());
      throw Error(HELPLINE_E_TOO_LARGE,
                  from + " is over the limit of " + std::to_string(max_bytes) + " bytes");
    }
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.fd, buf + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) copy_failed(to, "cannot write " + to, errno);
      done += w;
    }
  }
  if (::fsync(out.fd) != 0) copy_failed(to, "cannot sync " + to, errno);
  return total;
}

void remove_file(const std::string &path) {
  ::unlink(path.c_str());
}

std::vector<std::string> list_dir(const std::string &path) {
  std::vector<std::string> names;
  DIR *d = ::opendir(path.c_str());
  if (d == nullptr) return names;
  while (const dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  return names;
}

}  // namespace helpline::detail::platform
