# Writes a C++ file holding every migration as a raw string, so the binary
# carries its schema and needs no files beside it at run time.
file(GLOB files "${MIGRATIONS_DIR}/*.sql")
list(SORT files)
set(body "#include \"persistence/migrate.hpp\"\n\nnamespace checkout::persistence {\n\nconst std::vector<migration>& embedded_migrations() {\n  static const std::vector<migration> all = {\n")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" sql)
  string(APPEND body "      {\"${name}\", R\"checkout_sql(${sql})checkout_sql\"},\n")
endforeach()
string(APPEND body "  };\n  return all;\n}\n\n}  // namespace checkout::persistence\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
