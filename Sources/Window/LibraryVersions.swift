import CSDL2

/// The version of SDL2 the window links, as (name, version).
public func libraryVersions() -> [(String, String)] {
    var v = SDL_version()
    SDL_GetVersion(&v)
    return [("SDL2", "\(v.major).\(v.minor).\(v.patch)")]
}
