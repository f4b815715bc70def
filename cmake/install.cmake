# Install rules: headers, both libraries, CMake package (Helpline::helpline) and helpline.pc.
include(CMakePackageConfigHelpers)

install(TARGETS helpline helpline_static
  EXPORT HelplineTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/helpline
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(HELPLINE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Helpline)
install(EXPORT HelplineTargets NAMESPACE Helpline:: DESTINATION ${HELPLINE_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/HelplineConfig.cmake.in
  ${PROJECT_BINARY_DIR}/HelplineConfig.cmake
  INSTALL_DESTINATION ${HELPLINE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/HelplineConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/HelplineConfig.cmake ${PROJECT_BINARY_DIR}/HelplineConfigVersion.cmake
  DESTINATION ${HELPLINE_CMAKE_DIR})

# Relocatable: prefix is found from the .pc file's own place, so `cmake --install --prefix X`
# works without reconfiguring.
file(RELATIVE_PATH HELPLINE_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(${PROJECT_SOURCE_DIR}/cmake/helpline.pc.in ${PROJECT_BINARY_DIR}/helpline.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/helpline.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
