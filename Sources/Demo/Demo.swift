// Placeholder: `make demo` grows here.
@main
struct Demo {
    static func main() {}
}
