# Writes OUTPUT, a C++ source holding every file of ASSET_DIR as a string, so
# checkoutd serves its storefront without reading the disk at run time.
# Run as: cmake -DASSET_DIR=... -DOUTPUT=... -P embed_assets.cmake
file(GLOB assets RELATIVE "${ASSET_DIR}" "${ASSET_DIR}/*")
list(SORT assets)
set(body "// Generated from ${ASSET_DIR} by cmake/embed_assets.cmake; do not edit.\n")
string(APPEND body "#include \"http/routes/storefront_assets.hpp\"\n\n")
string(APPEND body "namespace checkout::http {\n\nconst std::vector<embedded_asset>& embedded_assets() {\n")
string(APPEND body "  static const std::vector<embedded_asset> all = {\n")
foreach(name IN LISTS assets)
  file(READ "${ASSET_DIR}/${name}" content)
  string(FIND "${content}" ")checkout_asset\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter")
  endif()
  string(APPEND body "      {\"${name}\", R\"checkout_asset(${content})checkout_asset\"},\n")
endforeach()
string(APPEND body "  };\n  return all;\n}\n\n}  // namespace checkout::http\n")
file(WRITE "${OUTPUT}" "${body}")
