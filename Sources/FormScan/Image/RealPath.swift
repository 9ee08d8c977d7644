import Foundation

/// The absolute path with every symbolic link resolved (the path itself if that fails: a file
/// not yet written). Used wherever two paths must be told to be the same file.
public func realPath(_ path: String) -> String {
    guard let p = realpath(path, nil) else { return path }
    defer { free(p) }
    return String(cString: p)
}
