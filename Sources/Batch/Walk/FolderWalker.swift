import Foundation

/// One thing found under the batch folder: a file to read, or an entry that cannot be read
/// as a file, with the reason (it still gets a row, so nothing goes unaccounted for).
public enum FoundEntry: Sendable, Equatable {
    case file(path: String, size: Int64)
    case problem(path: String, kind: String, reason: String)

    public var path: String {
        switch self { case .file(let p, _), .problem(let p, _, _): return p }
    }
}

/// Walks a folder recursively, in a stable (sorted) order. Follows symbolic links to files and
/// folders, but never into a folder it is already inside (a link loop becomes one problem row).
/// Skips hidden entries, truth files (`*.truth.json`) and the batch's own database files.
public struct FolderWalker {
    public var skip: Set<String>

    public init(skip: Set<String> = []) { self.skip = skip }

    public func walk(_ root: String) -> [FoundEntry] {
        var out: [FoundEntry] = []
        var ancestors: Set<String> = []
        visit(root, into: &out, ancestors: &ancestors)
        return out
    }

    /// The absolute path with every symbolic link resolved (the path itself if that fails).
    public static func realPath(_ path: String) -> String {
        guard let p = realpath(path, nil) else { return path }
        defer { free(p) }
        return String(cString: p)
    }

    private func visit(_ dir: String, into out: inout [FoundEntry], ancestors: inout Set<String>) {
        let real = Self.realPath(dir)
        ancestors.insert(real)
        defer { ancestors.remove(real) }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            out.append(.problem(path: dir, kind: "unreadable", reason: "the folder cannot be listed: check the permissions"))
            return
        }
        for name in names where !name.hasPrefix(".") && !name.hasSuffix(".truth.json") {
            let path = (dir as NSString).appendingPathComponent(name)
            if skip.contains(path) || skip.contains(Self.realPath(path)) { continue }
            var ls = stat()
            guard lstat(path, &ls) == 0 else { continue }
            var st = stat()
            if stat(path, &st) != 0 {
                let e = errno
                if e == ELOOP {
                    out.append(.problem(path: path, kind: "symlink-loop", reason: "a symbolic link that points back to itself"))
                } else if (ls.st_mode & S_IFMT) == S_IFLNK {
                    out.append(.problem(path: path, kind: "dangling-link", reason: "a symbolic link to something that does not exist"))
                } else {
                    out.append(.problem(path: path, kind: "unreadable", reason: String(cString: strerror(e))))
                }
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                if ancestors.contains(Self.realPath(path)) {
                    out.append(.problem(path: path, kind: "symlink-loop", reason: "a symbolic link to a folder that contains it: not followed"))
                } else {
                    visit(path, into: &out, ancestors: &ancestors)
                }
            case S_IFREG:
                out.append(.file(path: path, size: Int64(st.st_size)))
            default:
                out.append(.problem(path: path, kind: "not-a-file", reason: "not a regular file (device, socket or pipe)"))
            }
        }
    }
}
