import FormScan
let l = ImageLoader()
for p in CommandLine.arguments.dropFirst() {
    do { let i = try l.load(p); print(p, i.image.width, i.image.height) } catch { print(error) }
}
