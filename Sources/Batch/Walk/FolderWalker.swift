import FormScan
import Foundation

/// One thing found under the batch folder: a file to read, or an entry that cannot be read
/// as a file, with the reason (it still gets a row, so nothing goes unaccounted for).
public enum FoundEntry: Sendable, Equatable {
    case file(path: String, size: Int64)
    case problem(path: String, kind: String, reason: String)
    /// Not read and given no row, but counted in the summary: hidden entries, files that are
    /// plainly not images (by their name, and their first bytes are no image either).
    case skipped(path: String, reason: String)

    public var path: String {
        switch self { case .file(let p, _), .problem(let p, _, _), .skipped(let p, _): return p }
    }
}

/// Walks a folder recursively, in a stable (sorted) order. Follows symbolic links to files and
/// folders, but never into a folder it is already inside (a link loop becomes one problem row).
/// Skips the batch's own database files and truth files (`*.truth.json`) silently; hidden
/// entries and files that are plainly not images are `skipped` entries (counted, not read).
public struct FolderWalker {
    public var skip: Set<String>

    public init(skip: Set<String> = []) { self.skip = skip }

    public static let hidden = "hidden"
    public static let notAnImage = "not an image"

    /// Name endings of files that are never page images (documents, archives, videos, sound).
    static let otherKinds: Set<String> = [
        "txt", "md", "markdown", "rtf", "csv", "tsv", "json", "xml", "html", "htm", "log", "ini", "yaml", "yml",
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp",
        "zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz",
        "mp4", "mov", "avi", "mkv", "3gp", "webm", "m4v", "mp3", "m4a", "wav", "ogg", "opus", "aac", "amr",
        "apk", "exe", "sh", "py", "js", "sqlite", "db",
    ]

    /// A document, archive or video by its name whose first bytes are no known image either
    /// (images are recognised by their content: a JPEG named `.txt` is still read).
    static func plainlyNotAnImage(_ path: String) -> Bool {
        guard otherKinds.contains((path as NSString).pathExtension.lowercased()) else { return false }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        return !head.isEmpty && ImageLoader.sniff(head) == nil
    }

    /// `path` absolute, with the links of the folders leading to it followed (a file's own
    /// name is kept, even if it is a link).
    public static func resolved(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var st = stat()
        if stat(absolute, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { return realPath(absolute) }
        let dir = (absolute as NSString).deletingLastPathComponent
        return (realPath(dir) as NSString).appendingPathComponent((absolute as NSString).lastPathComponent)
    }

    /// The entries under `root`: a folder walked, or one file.
    public func walk(_ root: String) -> [FoundEntry] {
        var out: [FoundEntry] = []
        var st = stat()
        if stat(root, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG {
            out.append(Self.plainlyNotAnImage(root) ? .skipped(path: root, reason: Self.notAnImage) : .file(path: root, size: Int64(st.st_size)))
            return out
        }
        var ancestors: Set<String> = []
        visit(root, into: &out, ancestors: &ancestors)
        return out
    }

    /// The absolute path with every symbolic link resolved (the path itself if that fails).
    public static func realPath(_ path: String) -> String { FormScan.realPath(path) }

    private func visit(_ dir: String, into out: inout [FoundEntry], ancestors: inout Set<String>) {
        let real = Self.realPath(dir)
        ancestors.insert(real)
        defer { ancestors.remove(real) }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            out.append(.problem(path: dir, kind: "unreadable", reason: "the folder cannot be listed: check the permissions"))
            return
        }
        for name in names where !name.hasSuffix(".truth.json") {
            let path = (dir as NSString).appendingPathComponent(name)
            if skip.contains(path) || skip.contains(Self.realPath(path)) { continue }
            if name.hasPrefix(".") { out.append(.skipped(path: path, reason: Self.hidden)); continue }
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
                out.append(Self.plainlyNotAnImage(path) ? .skipped(path: path, reason: Self.notAnImage) : .file(path: path, size: Int64(st.st_size)))
            default:
                out.append(.problem(path: path, kind: "not-a-file", reason: "not a regular file (device, socket or pipe)"))
            }
        }
    }
}
